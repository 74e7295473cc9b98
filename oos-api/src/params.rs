//! Wire parameters: the `(name, value)` pairs an RPC-style request carries in its query string.

use serde::Serialize;

/// The parameters of one request, in the order they were written (signing sorts them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(&'static str, String)>,
}

impl Params {
    /// An empty parameter list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `name` when `value` is set, in its wire form.
    pub fn push<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: Option<&V>) {
        if let Some(value) = value {
            self.pairs.push((name, value.to_param()));
        }
    }

    /// Appends `name` when `value` is set, encoded as a JSON string (parameters typed `JSON`).
    pub fn push_json<V: Serialize + ?Sized>(&mut self, name: &'static str, value: Option<&V>) {
        if let Some(value) = value {
            // Serialising plain data (strings, numbers, maps with string keys) cannot fail;
            // a value that does (a map with non-string keys) is sent as `null` rather than lost silently.
            let encoded = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
            self.pairs.push((name, encoded));
        }
    }

    /// Sets `name` to `value`, replacing an earlier value.
    pub fn set(&mut self, name: &'static str, value: String) {
        match self.pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((name, value)),
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs in the order they were written.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.pairs.iter().map(|(n, v)| (*n, v.as_str()))
    }

    /// How many parameters are set.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// A scalar parameter value and its wire form.
pub trait ParamValue {
    /// The value as it is sent.
    fn to_param(&self) -> String;
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(i32, i64, f64);

#[cfg(test)]
mod tests {
    use crate::action::Action;
    use crate::fixtures::operation::put_every_scalar::PutEveryScalarInput;

    use super::Params;

    #[test]
    fn every_scalar_and_json_takes_its_wire_form() {
        let input = PutEveryScalarInput::default()
            .name("a b")
            .count(-7)
            .total(9_007_199_254_740_993)
            .enabled(false)
            .ratio(0.25)
            .tags(serde_json::json!({"env": "test"}))
            .kind("plain");
        let mut params = Params::new();
        input.write_params(&mut params);
        let pairs: Vec<_> = params.iter().collect();
        assert_eq!(
            pairs,
            vec![
                ("Name", "a b"),
                ("Count", "-7"),
                ("Total", "9007199254740993"),
                ("Enabled", "false"),
                ("Ratio", "0.25"),
                ("Tags", r#"{"env":"test"}"#),
                ("Type", "plain"),
            ]
        );
    }

    #[test]
    fn an_idempotency_token_is_filled_once_and_kept() {
        let mut input = PutEveryScalarInput::default().name("n").count(1);
        assert!(input.ensure_idempotency_token());
        let token = input.client_token.clone().expect("a token was filled in");
        assert_eq!(token.len(), 32);
        assert!(input.ensure_idempotency_token());
        assert_eq!(
            input.client_token.as_deref(),
            Some(token.as_str()),
            "a retry keeps the token"
        );
        let mut other = PutEveryScalarInput::default();
        other.ensure_idempotency_token();
        assert_ne!(
            other.client_token,
            Some(token),
            "tokens are unique per request"
        );
        let mut given = PutEveryScalarInput::default().client_token("mine");
        assert!(given.ensure_idempotency_token());
        assert_eq!(given.client_token.as_deref(), Some("mine"));
    }

    #[test]
    fn a_missing_required_parameter_is_named() {
        let err = PutEveryScalarInput::default()
            .name("n")
            .validate()
            .unwrap_err();
        assert_eq!(err.parameter, "Count");
        assert_eq!(
            err.to_string(),
            "required parameter `Count` is not set: call `.count(..)` before sending"
        );
    }
}

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
        self.pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
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

//! Wire parameters: the `(name, value)` pairs an RPC-style request carries, in its query
//! string or its form body, encoded as Alibaba Cloud's official SDKs encode them.
//!
//! - a scalar is `Name=value`: booleans `true`/`false`, numbers in their shortest exact
//!   decimal form (`0.165`, `1.0`);
//! - a `json` parameter is one compact JSON string (`{"env":"test"}`, no spaces, UTF-8 as is);
//! - a `repeatList` or `flat` parameter is spread over numbered and named keys:
//!   `Filter.1.Name=…&Filter.1.Value.1=…`, `Tag.Key=…`, lists counted from 1;
//! - a `simple` (or space- or pipe-delimited) list is its elements joined by `,` (` `, `|`).

use std::borrow::Cow;
use std::fmt::Display;

use serde::ser::{self, Impossible, Serialize};

/// The parameters of one request: those of its query string and those of its form body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    query: ParamList,
    form: ParamList,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// The query string's parameters.
    pub fn query(&mut self) -> &mut ParamList {
        &mut self.query
    }

    /// The form body's parameters (`application/x-www-form-urlencoded`).
    pub fn form(&mut self) -> &mut ParamList {
        &mut self.form
    }

    /// The query string's parameters, to read.
    pub fn query_pairs(&self) -> &ParamList {
        &self.query
    }

    /// The form body's parameters, to read.
    pub fn form_pairs(&self) -> &ParamList {
        &self.form
    }
}

/// Parameters in the order they were written (signing sorts them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParamList {
    pairs: Vec<(Cow<'static, str>, String)>,
}

impl ParamList {
    /// Appends `name` when `value` is set, in its wire form.
    pub fn push<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: Option<&V>) {
        if let Some(value) = value {
            self.pairs.push((Cow::Borrowed(name), value.to_param()));
        }
    }

    /// Appends `name` when `value` is set, as one compact JSON string (style `json`).
    pub fn push_json<V: Serialize + ?Sized>(&mut self, name: &'static str, value: Option<&V>) {
        if let Some(value) = value {
            // The generated types serialise plain data (strings, numbers, maps with string
            // keys), which cannot fail; a value that does is sent as `null`, never dropped.
            let encoded = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
            self.pairs.push((Cow::Borrowed(name), encoded));
        }
    }

    /// Appends `value` spread over `name.1`, `name.1.Field`, `name.Key`… (styles
    /// `repeatList` and `flat`). Absent fields and JSON nulls are left out.
    pub fn push_flat<V: Serialize + ?Sized>(&mut self, name: &'static str, value: Option<&V>) {
        if let Some(value) = value {
            let mut flat = Flattener {
                out: &mut self.pairs,
                prefix: name.to_owned(),
            };
            // Plain data cannot fail to flatten (see `push_json`); a key that is not a string
            // or a scalar ends the value there, keeping what was written.
            let _ = value.serialize(&mut flat);
        }
    }

    /// Appends a list of scalars joined by `separator` (styles `simple`, `spaceDelimited`,
    /// `pipeDelimited`).
    pub fn push_joined<V: ParamValue>(
        &mut self,
        name: &'static str,
        value: Option<&Vec<V>>,
        separator: &str,
    ) {
        if let Some(values) = value {
            let joined: Vec<String> = values.iter().map(ParamValue::to_param).collect();
            self.pairs
                .push((Cow::Borrowed(name), joined.join(separator)));
        }
    }

    /// Sets `name` to `value`, replacing an earlier value.
    pub fn set(&mut self, name: &'static str, value: String) {
        match self.pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((Cow::Borrowed(name), value)),
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs in the order they were written.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_str()))
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
        bool_text(*self).to_owned()
    }
}

impl ParamValue for i32 {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl ParamValue for i64 {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl ParamValue for f64 {
    fn to_param(&self) -> String {
        float_text(*self)
    }
}

/// Booleans as the Java, Go and Node.js SDKs write them (Python's `True` is accepted too).
fn bool_text(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// The shortest decimal form that reads back as the same `f64` (`0.165`, `1.0`, `1e+21`), as
/// JSON (and Python) write it; NaN and infinities, which JSON has no form for, as Rust does.
fn float_text(value: f64) -> String {
    match serde_json::Number::from_f64(value) {
        Some(number) => number.to_string(),
        None => value.to_string(),
    }
}

/// Why a value could not be flattened (only a non-string map key can cause it).
#[derive(Debug)]
struct FlattenError(String);

impl Display for FlattenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FlattenError {}

impl ser::Error for FlattenError {
    fn custom<T: Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// A serde serializer that spreads a value over `prefix.1`, `prefix.Field`, …
struct Flattener<'a> {
    out: &'a mut Vec<(Cow<'static, str>, String)>,
    prefix: String,
}

impl Flattener<'_> {
    fn emit(&mut self, value: String) -> Result<(), FlattenError> {
        self.out.push((Cow::Owned(self.prefix.clone()), value));
        Ok(())
    }

    fn nested<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), FlattenError> {
        let len = self.prefix.len();
        self.prefix.push('.');
        self.prefix.push_str(key);
        let result = value.serialize(&mut *self);
        self.prefix.truncate(len);
        result
    }
}

impl<'a, 'b> ser::Serializer for &'a mut Flattener<'b> {
    type Ok = ();
    type Error = FlattenError;
    type SerializeSeq = Seq<'a, 'b>;
    type SerializeTuple = Seq<'a, 'b>;
    type SerializeTupleStruct = Seq<'a, 'b>;
    type SerializeTupleVariant = Impossible<(), FlattenError>;
    type SerializeMap = Map<'a, 'b>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), FlattenError>;

    fn serialize_bool(self, v: bool) -> Result<(), FlattenError> {
        self.emit(bool_text(v).to_owned())
    }
    fn serialize_i8(self, v: i8) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<(), FlattenError> {
        self.emit(float_text(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<(), FlattenError> {
        self.emit(float_text(v))
    }
    fn serialize_char(self, v: char) -> Result<(), FlattenError> {
        self.emit(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<(), FlattenError> {
        self.emit(v.to_owned())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), FlattenError> {
        self.emit(String::from_utf8_lossy(v).into_owned())
    }
    fn serialize_none(self) -> Result<(), FlattenError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FlattenError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), FlattenError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), FlattenError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), FlattenError> {
        self.emit(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), FlattenError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), FlattenError> {
        self.nested(variant, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a, 'b>, FlattenError> {
        Ok(Seq {
            flat: self,
            index: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'b>, FlattenError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Seq<'a, 'b>, FlattenError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FlattenError> {
        Err(FlattenError(format!(
            "{name}: tuple variants have no flat form"
        )))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a, 'b>, FlattenError> {
        Ok(Map {
            flat: self,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, FlattenError> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FlattenError> {
        Err(FlattenError(format!(
            "{name}: struct variants have no flat form"
        )))
    }
}

/// The elements of a list: `prefix.1`, `prefix.2`, …
struct Seq<'a, 'b> {
    flat: &'a mut Flattener<'b>,
    index: usize,
}

impl Seq<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlattenError> {
        self.index += 1;
        let key = self.index.to_string();
        self.flat.nested(&key, value)
    }
}

impl ser::SerializeSeq for Seq<'_, '_> {
    type Ok = ();
    type Error = FlattenError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlattenError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FlattenError> {
        Ok(())
    }
}

impl ser::SerializeTuple for Seq<'_, '_> {
    type Ok = ();
    type Error = FlattenError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlattenError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FlattenError> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Seq<'_, '_> {
    type Ok = ();
    type Error = FlattenError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlattenError> {
        self.element(value)
    }
    fn end(self) -> Result<(), FlattenError> {
        Ok(())
    }
}

/// The entries of a map: `prefix.Key`.
struct Map<'a, 'b> {
    flat: &'a mut Flattener<'b>,
    key: Option<String>,
}

impl ser::SerializeMap for Map<'_, '_> {
    type Ok = ();
    type Error = FlattenError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FlattenError> {
        self.key = Some(key_text(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlattenError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| FlattenError("a map value without its key".into()))?;
        self.flat.nested(&key, value)
    }
    fn end(self) -> Result<(), FlattenError> {
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Flattener<'_> {
    type Ok = ();
    type Error = FlattenError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), FlattenError> {
        self.nested(key, value)
    }
    fn end(self) -> Result<(), FlattenError> {
        Ok(())
    }
}

/// A map key as text: a string, or a scalar written as a flattened value is. Anything that
/// would not flatten to one unnamed value (a list, a map, an absent value) is no key.
fn key_text<T: Serialize + ?Sized>(key: &T) -> Result<String, FlattenError> {
    let mut pairs = Vec::with_capacity(1);
    key.serialize(&mut Flattener {
        out: &mut pairs,
        prefix: String::new(),
    })?;
    match pairs.as_mut_slice() {
        [(name, text)] if name.is_empty() => Ok(std::mem::take(text)),
        _ => Err(FlattenError("a map key is not a string or a scalar".into())),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::Params;
    use crate::action::Action;
    use crate::fixtures::operation::get_by_query::GetByQueryInput;
    use crate::fixtures::operation::put_every_scalar::PutEveryScalarInput;
    use crate::fixtures::operation::put_every_style::{
        PutEveryStyleInput, StyleFilter, StyleMode, StyleOwner, StyleSpec, StyleTag,
    };

    type Pairs = Vec<(String, String)>;

    /// The query's and the form body's pairs an input writes.
    fn written(input: &impl Action) -> (Pairs, Pairs) {
        let mut params = Params::new();
        input.write_params(&mut params);
        let pairs = |list: &super::ParamList| {
            list.iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect::<Vec<_>>()
        };
        (pairs(params.query_pairs()), pairs(params.form_pairs()))
    }

    fn owned(pairs: &[(&str, &str)]) -> Pairs {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_scalar_and_json_takes_its_wire_form() {
        let input = PutEveryScalarInput::default()
            .name("a b")
            .count(-7)
            .total(9_007_199_254_740_993)
            .enabled(false)
            .ratio(0.25)
            .tags(json!({"env": "test"}))
            .kind("plain");
        assert_eq!(
            written(&input).0,
            owned(&[
                ("Name", "a b"),
                ("Count", "-7"),
                ("Total", "9007199254740993"),
                ("Enabled", "false"),
                ("Ratio", "0.25"),
                ("Tags", r#"{"env":"test"}"#),
                ("Type", "plain"),
            ])
        );
        // Floats in their shortest exact form, as the official SDKs write them.
        for (value, wire) in [
            (0.165, "0.165"),
            (1.0, "1.0"),
            (1e21, "1e+21"),
            (-0.5, "-0.5"),
        ] {
            let input = PutEveryScalarInput::default().ratio(value);
            assert_eq!(written(&input).0, owned(&[("Ratio", wire)]));
        }
        let input = PutEveryScalarInput::default().enabled(true);
        assert_eq!(written(&input).0, owned(&[("Enabled", "true")]));
    }

    #[test]
    fn repeat_list_numbers_lists_from_one_and_nests() {
        let input = PutEveryStyleInput::default()
            .filter([
                StyleFilter::default()
                    .name("ACS:Instance.Id")
                    .value(["i-1", "i-2"]),
                StyleFilter::default().name("Zone").weight(0.5),
            ])
            .grid([vec!["a".to_owned()], vec!["b".to_owned(), "c".to_owned()]]);
        assert_eq!(
            written(&input).0,
            owned(&[
                ("Filter.1.Name", "ACS:Instance.Id"),
                ("Filter.1.Value.1", "i-1"),
                ("Filter.1.Value.2", "i-2"),
                ("Filter.2.Name", "Zone"),
                ("Filter.2.Weight", "0.5"),
                ("Grid.1.1", "a"),
                ("Grid.2.1", "b"),
                ("Grid.2.2", "c"),
            ])
        );
    }

    #[test]
    fn flat_spreads_maps_and_objects_by_key() {
        let input = PutEveryStyleInput::default()
            .labels([("env", "test"), ("team", "sre")])
            .owner(StyleOwner::default().id(42).active(true))
            .free(json!({"a": {"b": [1, null, "x"]}, "n": null, "t": false}));
        assert_eq!(
            written(&input).0,
            owned(&[
                ("Labels.env", "test"),
                ("Labels.team", "sre"),
                ("Owner.Id", "42"),
                ("Owner.Active", "true"),
                ("Free.a.b.1", "1"),
                ("Free.a.b.3", "x"),
                ("Free.t", "false"),
            ])
        );
    }

    #[test]
    fn json_is_one_compact_string() {
        let input = PutEveryStyleInput::default()
            .spec(StyleSpec::default().size(3).ratio(1.0))
            .tags([StyleTag::default().key("k").value("v \"quoted\" 日本")]);
        assert_eq!(
            written(&input).0,
            owned(&[
                ("Spec", r#"{"Size":3,"Ratio":1.0}"#),
                ("Tags", r#"[{"Key":"k","Value":"v \"quoted\" 日本"}]"#),
            ])
        );
    }

    #[test]
    fn delimited_lists_are_joined() {
        let input = PutEveryStyleInput::default()
            .names(["a", "b c"])
            .words(["x", "y"])
            .codes([1, 2, 3]);
        assert_eq!(
            written(&input).0,
            owned(&[("Names", "a,b c"), ("Words", "x y"), ("Codes", "1|2|3")])
        );
    }

    #[test]
    fn form_data_goes_in_the_body() {
        let input = PutEveryStyleInput::default().body("in the body").size(5);
        let (query, form) = written(&input);
        assert_eq!(query, owned(&[("Size", "5")]));
        assert_eq!(form, owned(&[("Body", "in the body")]));
        // A GET action keeps such a parameter apart too: the signer puts it in the query.
        let (query, form) = written(&GetByQueryInput::default().id("x"));
        assert!(query.is_empty());
        assert_eq!(form, owned(&[("Id", "x")]));
        assert_eq!(GetByQueryInput::METHOD, crate::action::Method::Get);
    }

    #[test]
    fn documented_constraints_are_checked_before_sending() {
        let ok = PutEveryStyleInput::default()
            .filter([StyleFilter::default().name("n").value(["12345678"])])
            .size(100)
            .level(2)
            .share(0.0)
            .mode(StyleMode::Slow)
            .tags([StyleTag::default()])
            .body("x".repeat(20));
        ok.validate().expect("within every bound");
        // A value outside the documented ones is sent: the service may have added it.
        ok.clone()
            .level(4)
            .validate()
            .expect("an undocumented Integer value");
        ok.clone()
            .mode("Turbo")
            .validate()
            .expect("an undocumented enum value");
        let failures: Vec<(PutEveryStyleInput, &str)> = vec![
            (
                ok.clone().size(0),
                "parameter `Size` is 0, outside its documented range: from 1 to 100",
            ),
            (
                ok.clone().size(101),
                "parameter `Size` is 101, outside its documented range: from 1 to 100",
            ),
            (
                ok.clone().share(1.0),
                "parameter `Share` is 1, outside its documented range: from 0 to 1 (excluded)",
            ),
            (
                ok.clone().body("x".repeat(21)),
                "parameter `Body` has 21 characters; at most 20 are allowed",
            ),
            (
                ok.clone().tags(Vec::<StyleTag>::new()),
                "parameter `Tags` has 0 elements; at least 1 are needed",
            ),
            (
                ok.clone().filter(vec![StyleFilter::default().name("n"); 3]),
                "parameter `Filter` has 3 elements; at most 2 are allowed",
            ),
            (
                ok.clone()
                    .filter([StyleFilter::default().name("a"), StyleFilter::default()]),
                "required parameter `Filter.2.Name` is not set: call `.name(..)` before sending",
            ),
            (
                ok.clone()
                    .filter([StyleFilter::default().name("a").value(["1", "2", "3", "4"])]),
                "parameter `Filter.1.Value` has 4 elements; at most 3 are allowed",
            ),
            (
                ok.clone()
                    .filter([StyleFilter::default().name("a").value(["ok", "123456789"])]),
                "parameter `Filter.1.Value.2` has 9 characters; at most 8 are allowed",
            ),
        ];
        for (input, message) in failures {
            let err = input.validate().expect_err(message);
            assert_eq!(err.to_string(), message);
        }
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

    #[test]
    fn a_map_key_that_is_not_text_ends_the_value_without_panicking() {
        let mut params = Params::new();
        let odd: BTreeMap<Vec<u8>, i32> = [(vec![1u8], 1)].into();
        params.query().push_flat("Odd", Some(&odd));
        assert!(params.query_pairs().is_empty());
        // Scalar keys are written as scalar values are.
        let numbered: BTreeMap<i64, f64> = [(-2, 0.5), (7, 1.0)].into();
        params.query().push_flat("Numbered", Some(&numbered));
        let flags: BTreeMap<bool, &str> = [(true, "on")].into();
        params.query().push_flat("Flags", Some(&flags));
        let pairs: Vec<_> = params.query_pairs().iter().collect();
        assert_eq!(
            pairs,
            [
                ("Numbered.-2", "0.5"),
                ("Numbered.7", "1.0"),
                ("Flags.true", "on")
            ]
        );
    }
}

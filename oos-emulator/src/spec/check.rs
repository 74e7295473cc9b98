//! The check every request passes before its action runs: each documented parameter is
//! present when required, of its type, within its bounds and enumeration, and well encoded.
//!
//! What passes is kept decoded ([`Args`]): handlers read typed values and never parse again.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::value::{self, Invalid};
use super::{ActionSpec, Encoding, Field, Kind};
use crate::error::ApiError;

/// The documented parameters a request set (and that are not empty), decoded.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Args(BTreeMap<&'static str, Value>);

impl Args {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
}

/// Checks `params` (every pair of the query and the form) against `spec`.
pub(crate) fn check(spec: &ActionSpec, params: &[(String, String)]) -> Result<Args, ApiError> {
    let mut args = Args::default();
    for param in spec.params {
        let field = &param.field;
        let name = field.name;
        let decoded = match param.encoding {
            Encoding::Flat => flat(params, field)?,
            encoding => match crate::wire::first(params, name) {
                None => None,
                Some("") if encoding != Encoding::Scalar || field.required => None,
                // An empty optional string is as good as absent; an empty number is not one.
                Some("") if matches!(field.kind, Kind::String | Kind::Json) => None,
                Some(text) => Some(single(text, field, encoding).map_err(invalid)?),
            },
        };
        match decoded {
            Some(value) => {
                args.0.insert(name, value);
            }
            None if field.required => return Err(ApiError::missing_parameter(name)),
            None => {}
        }
    }
    Ok(args)
}

fn invalid(error: Invalid) -> ApiError {
    ApiError::invalid_parameter(&error.at, &error.why)
}

fn single(text: &str, field: &Field, encoding: Encoding) -> Result<Value, Invalid> {
    let name = field.name;
    match encoding {
        Encoding::Scalar => value::scalar(text, field, name),
        Encoding::Json => {
            let parsed: Value = serde_json::from_str(text).map_err(|e| {
                Invalid::new(
                    name,
                    format!("it must be {}: {e}", value::describe(&field.kind)),
                )
            })?;
            value::check(&parsed, field, name)?;
            Ok(parsed)
        }
        Encoding::Joined(separator) => {
            let Kind::List(element) = &field.kind else {
                return value::scalar(text, field, name);
            };
            let items = text
                .split(separator)
                .enumerate()
                .map(|(i, part)| value::scalar(part, element, &format!("{name}.{}", i + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            let list = Value::Array(items);
            value::check(&list, field, name)?;
            Ok(list)
        }
        Encoding::Flat => Err(Invalid::new(name, "it is sent spread over numbered keys")),
    }
}

/// The keys a flat parameter was spread over, as a tree of their dotted segments.
#[derive(Debug, Default)]
struct Node {
    value: Option<String>,
    children: BTreeMap<String, Node>,
}

/// Reassembles `Name.1.Field=…`, `Name.Key=…` into one value and checks it.
fn flat(params: &[(String, String)], field: &Field) -> Result<Option<Value>, ApiError> {
    let name = field.name;
    let mut root = Node::default();
    let mut any = false;
    for (key, text) in params {
        if key == name {
            return Err(ApiError::invalid_parameter(
                name,
                &format!("it is sent as {name}.1, {name}.1.Field…, not as one value"),
            ));
        }
        let Some(rest) = key.strip_prefix(name).and_then(|r| r.strip_prefix('.')) else {
            continue;
        };
        any = true;
        let mut node = &mut root;
        for segment in rest.split('.') {
            if segment.is_empty() {
                return Err(ApiError::invalid_parameter(
                    key,
                    "the key has an empty part",
                ));
            }
            node = node.children.entry(segment.to_owned()).or_default();
        }
        if node.value.is_some() {
            return Err(ApiError::invalid_parameter(key, "it is sent twice"));
        }
        node.value = Some(text.clone());
    }
    if !any {
        return Ok(None);
    }
    let value = assemble(&root, field, name).map_err(invalid)?;
    value::check(&value, field, name).map_err(invalid)?;
    Ok(Some(value))
}

fn assemble(node: &Node, field: &Field, at: &str) -> Result<Value, Invalid> {
    let leaf = |node: &Node| -> Result<Value, Invalid> {
        if !node.children.is_empty() {
            return Err(Invalid::new(
                at,
                "it is a single value, with no keys under it",
            ));
        }
        let text = node.value.as_deref().unwrap_or_default();
        value::scalar(text, field, at)
    };
    if node.value.is_some() && !node.children.is_empty() {
        return Err(Invalid::new(
            at,
            "it is sent both as a value and with keys under it",
        ));
    }
    match &field.kind {
        Kind::List(element) => {
            if node.value.is_some() {
                return Err(Invalid::new(at, "a list is sent as numbered keys: .1, .2…"));
            }
            let mut items: Vec<(u64, Value)> = Vec::new();
            for (segment, child) in &node.children {
                let index = segment
                    .parse::<u64>()
                    .ok()
                    .filter(|&i| i >= 1 && !segment.starts_with('0'))
                    .ok_or_else(|| {
                        Invalid::new(
                            &format!("{at}.{segment}"),
                            "a list element is numbered from 1",
                        )
                    })?;
                let here = format!("{at}.{index}");
                items.push((index, assemble(child, element, &here)?));
            }
            items.sort_by_key(|(index, _)| *index);
            Ok(Value::Array(items.into_iter().map(|(_, v)| v).collect()))
        }
        Kind::Map(element) => {
            if node.value.is_some() {
                return Err(Invalid::new(at, "a map is sent as named keys: .Key"));
            }
            let mut map = Map::new();
            for (key, child) in &node.children {
                map.insert(
                    key.clone(),
                    assemble(child, element, &format!("{at}.{key}"))?,
                );
            }
            Ok(Value::Object(map))
        }
        Kind::Object(fields) => {
            if node.value.is_some() {
                return Err(Invalid::new(at, "an object is sent as its fields: .Field"));
            }
            let mut map = Map::new();
            for (key, child) in &node.children {
                let here = format!("{at}.{key}");
                let inner = fields
                    .iter()
                    .find(|f| f.name == key)
                    .ok_or_else(|| Invalid::new(&here, "no such field is documented"))?;
                map.insert(key.clone(), assemble(child, inner, &here)?);
            }
            Ok(Value::Object(map))
        }
        Kind::Json if !node.children.is_empty() => {
            let mut map = Map::new();
            for (key, child) in &node.children {
                let inner = Field::of("", Kind::Json);
                map.insert(
                    key.clone(),
                    assemble(child, &inner, &format!("{at}.{key}"))?,
                );
            }
            Ok(Value::Object(map))
        }
        _ => leaf(node),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::{Limits, Param};

    const FILTER_FIELDS: &[Field] = &[
        Field::of("Name", Kind::String),
        Field::of("Value", Kind::List(&Field::of("", Kind::String))),
    ];
    const SPEC: ActionSpec = ActionSpec {
        name: "Try",
        params: &[
            Param {
                field: Field {
                    required: true,
                    ..Field::of("Id", Kind::String)
                },
                encoding: Encoding::Scalar,
                default: None,
            },
            Param {
                field: Field {
                    limits: Limits {
                        minimum: Some(1.0),
                        maximum: Some(100.0),
                        ..Limits::NONE
                    },
                    ..Field::of("MaxResults", Kind::Integer)
                },
                encoding: Encoding::Scalar,
                default: None,
            },
            Param {
                field: Field::of("Tags", Kind::Map(&Field::of("", Kind::String))),
                encoding: Encoding::Json,
                default: None,
            },
            Param {
                field: Field::of(
                    "Filter",
                    Kind::List(&Field::of("", Kind::Object(FILTER_FIELDS))),
                ),
                encoding: Encoding::Flat,
                default: None,
            },
            Param {
                field: Field::of("Ids", Kind::List(&Field::of("", Kind::Integer))),
                encoding: Encoding::Joined(","),
                default: None,
            },
        ],
        response: &[],
        errors: &[],
        pagination: None,
        sample: "{}",
    };

    fn run(pairs: &[(&str, &str)]) -> Result<Args, ApiError> {
        let params: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        check(&SPEC, &params)
    }

    fn code(pairs: &[(&str, &str)]) -> (String, String) {
        let error = run(pairs).unwrap_err();
        (error.code, error.message)
    }

    #[test]
    fn decodes_every_encoding() {
        let args = run(&[
            ("Id", "x"),
            ("MaxResults", "20"),
            ("Tags", r#"{"env":"test"}"#),
            ("Filter.2.Name", "b"),
            ("Filter.1.Name", "a"),
            ("Filter.1.Value.1", "v"),
            ("Ids", "3,4"),
            ("Unknown", "ignored"),
        ])
        .unwrap();
        assert_eq!(args.get("MaxResults"), Some(&json!(20)));
        assert_eq!(args.get("Tags"), Some(&json!({"env": "test"})));
        assert_eq!(
            args.get("Filter"),
            Some(&json!([{"Name": "a", "Value": ["v"]}, {"Name": "b"}]))
        );
        assert_eq!(args.get("Ids"), Some(&json!([3, 4])));
        assert_eq!(args.get("Unknown"), None);
    }

    #[test]
    fn refuses_what_is_wrong_naming_where() {
        assert_eq!(code(&[]).0, "MissingParameter");
        assert_eq!(code(&[("Id", "")]).0, "MissingParameter");
        for (pairs, at) in [
            (&[("Id", "x"), ("MaxResults", "0")][..], "\"MaxResults\""),
            (&[("Id", "x"), ("MaxResults", "")][..], "\"MaxResults\""),
            (&[("Id", "x"), ("Tags", "{")][..], "\"Tags\""),
            (&[("Id", "x"), ("Tags", r#"{"a":1}"#)][..], "\"Tags.a\""),
            (&[("Id", "x"), ("Filter.0.Name", "a")][..], "\"Filter.0\""),
            (&[("Id", "x"), ("Filter.01.Name", "a")][..], "\"Filter.01\""),
            (
                &[("Id", "x"), ("Filter.1.Nme", "a")][..],
                "\"Filter.1.Nme\"",
            ),
            (
                &[("Id", "x"), ("Filter.1..Name", "a")][..],
                "\"Filter.1..Name\"",
            ),
            (&[("Id", "x"), ("Filter", "[]")][..], "\"Filter\""),
            (&[("Id", "x"), ("Ids", "1,a")][..], "\"Ids.2\""),
        ] {
            let (code, message) = code(pairs);
            assert_eq!(code, "InvalidParameter", "{pairs:?}");
            assert!(message.contains(at), "{pairs:?}: {message}");
        }
    }
}

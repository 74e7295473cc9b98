//! Answers in their documented shape: records projected onto an action's fields, and the
//! check that an answer has no field and no JSON type the documentation does not give.

use serde_json::{Map, Value};

use super::{ActionSpec, Field, Kind};

/// `record` with only the documented `fields`, each converted to its documented JSON type
/// (a number written as text, an object held as a JSON string, …), keeping at each level
/// only the fields the documented answer `like` shows there (every documented field where
/// it shows no object to compare with). Fields the record does not have stay absent, as in
/// OOS's own answers.
pub(crate) fn project_like(
    record: &Map<String, Value>,
    fields: &[Field],
    like: Option<&Value>,
) -> Map<String, Value> {
    let like = like.and_then(Value::as_object);
    let mut out = Map::new();
    for field in fields {
        let shown = like.map(|l| l.get(field.name));
        if shown == Some(None) {
            continue;
        }
        if let Some(value) = record.get(field.name).filter(|v| !v.is_null()) {
            if let Some(value) = convert_like(value, &field.kind, shown.flatten()) {
                out.insert(field.name.to_owned(), value);
            }
        }
    }
    out
}

/// `value` as `kind`, or `None` when it cannot be one.
fn convert_like(value: &Value, kind: &Kind, like: Option<&Value>) -> Option<Value> {
    match (kind, value) {
        (Kind::Json, v) => Some(v.clone()),
        (Kind::String | Kind::Enum(_), Value::String(_)) => Some(value.clone()),
        (Kind::String | Kind::Enum(_), Value::Array(_) | Value::Object(_)) => {
            Some(Value::String(value.to_string()))
        }
        (Kind::String | Kind::Enum(_), Value::Number(_) | Value::Bool(_)) => {
            Some(Value::String(value.to_string()))
        }
        (Kind::Integer | Kind::Long, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            Some(value.clone())
        }
        (Kind::Integer | Kind::Long, Value::String(s)) => {
            s.trim().parse::<i64>().ok().map(Value::from)
        }
        (Kind::Float, Value::Number(_)) => Some(value.clone()),
        (Kind::Float, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        (Kind::Boolean, Value::Bool(_)) => Some(value.clone()),
        (Kind::Boolean, Value::String(s)) => match s.as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        (Kind::List(element), Value::Array(items)) => {
            let like = like.and_then(Value::as_array).and_then(|l| l.first());
            Some(Value::Array(
                items
                    .iter()
                    .filter_map(|item| convert_like(item, &element.kind, like))
                    .collect(),
            ))
        }
        (Kind::Map(element), Value::Object(entries)) => Some(Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| convert_like(v, &element.kind, None).map(|v| (k.clone(), v)))
                .collect(),
        )),
        (Kind::Object(fields), Value::Object(entries)) => {
            Some(Value::Object(project_like(entries, fields, like)))
        }
        // A structure kept as JSON text, where the documentation gives its structure.
        (Kind::List(_) | Kind::Map(_) | Kind::Object(_), Value::String(s)) => {
            let parsed: Value = serde_json::from_str(s).ok()?;
            convert_like(&parsed, kind, like)
        }
        _ => None,
    }
}

/// Whether `answer` fits `action`'s documented answer: every field documented, every value
/// of its documented JSON type. The error names the first field that does not fit.
pub fn conforms(action: &ActionSpec, answer: &Value) -> Result<(), String> {
    let Value::Object(entries) = answer else {
        return Err("the answer is not a JSON object".to_owned());
    };
    fields(entries, action.response, "")
}

fn fields(entries: &Map<String, Value>, fields: &[Field], at: &str) -> Result<(), String> {
    for (key, value) in entries {
        let here = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        let field = fields
            .iter()
            .find(|f| f.name == key)
            .ok_or_else(|| format!("{here} is not a documented field"))?;
        fits(value, &field.kind, &here)?;
    }
    Ok(())
}

fn fits(value: &Value, kind: &Kind, at: &str) -> Result<(), String> {
    let ok = match (kind, value) {
        (_, Value::Null) | (Kind::Json, _) => true,
        (Kind::String | Kind::Enum(_), Value::String(_)) => true,
        (Kind::Integer | Kind::Long, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Kind::Float, Value::Number(_)) => true,
        (Kind::Boolean, Value::Bool(_)) => true,
        (Kind::List(element), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                fits(item, &element.kind, &format!("{at}[{i}]"))?;
            }
            true
        }
        (Kind::Map(element), Value::Object(entries)) => {
            for (key, item) in entries {
                fits(item, &element.kind, &format!("{at}.{key}"))?;
            }
            true
        }
        (Kind::Object(inner), Value::Object(entries)) => {
            fields(entries, inner, at)?;
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{at} is {value}, not {}",
            super::value::describe(kind)
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const TASK: &[Field] = &[Field::of("TaskName", Kind::String)];
    const FIELDS: &[Field] = &[
        Field::of("Name", Kind::String),
        Field::of("Version", Kind::Integer),
        Field::of("Parameters", Kind::String),
        Field::of("Tags", Kind::Map(&Field::of("", Kind::String))),
        Field::of("Tasks", Kind::List(&Field::of("", Kind::Object(TASK)))),
    ];

    #[test]
    fn projects_onto_the_documented_fields_and_types() {
        let record = json!({
            "Name": "n",
            "Version": "3",
            "Parameters": {"a": 1},
            "Tags": {"k": "v"},
            "Tasks": [{"TaskName": "t", "Extra": 1}],
            "Secret": "never shown",
        });
        let projected = project_like(record.as_object().unwrap(), FIELDS, None);
        assert_eq!(
            Value::Object(projected),
            json!({
                "Name": "n",
                "Version": 3,
                "Parameters": "{\"a\":1}",
                "Tags": {"k": "v"},
                "Tasks": [{"TaskName": "t"}],
            })
        );
    }

    #[test]
    fn conformance_names_the_field() {
        let spec = ActionSpec {
            name: "Try",
            params: &[],
            response: FIELDS,
            errors: &[],
            pagination: None,
            sample: "{}",
        };
        assert!(conforms(&spec, &json!({"Name": "n", "Tasks": [{"TaskName": "t"}]})).is_ok());
        assert_eq!(
            conforms(&spec, &json!({"Tasks": [{"Other": 1}]})).unwrap_err(),
            "Tasks[0].Other is not a documented field"
        );
        assert!(conforms(&spec, &json!({"Version": "1"}))
            .unwrap_err()
            .starts_with("Version is \"1\""));
    }
}

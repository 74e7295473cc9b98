//! `StartExecution`'s parameters checked against the template's declarations, as OOS checks
//! them: none undeclared, every one without a `Default` given, each of its declared type and
//! within its `AllowedValues`, lengths, `MinValue`/`MaxValue` and `AllowedPattern` (matched
//! by the whole value, or by each item of a list).

use serde_json::{Map, Value};

/// The first fault of `given` against `declared`, naming the parameter.
pub(crate) fn check(
    declared: &Map<String, Value>,
    given: &Map<String, Value>,
) -> Result<(), String> {
    if let Some(name) = given.keys().find(|name| !declared.contains_key(*name)) {
        return Err(format!("the template declares no parameter {name}"));
    }
    for (name, declaration) in declared {
        let Some(value) = given.get(name) else {
            if declaration.get("Default").is_none() {
                return Err(format!("the template's parameter {name} is required (it has no Default) and was not given"));
            }
            continue;
        };
        let kind = declaration
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or("String");
        // OOS takes any plain value as text, and numbers and booleans written as text.
        let fits = match (kind, value) {
            ("String", v) => !v.is_array() && !v.is_object() && !v.is_null(),
            ("Number", Value::String(text)) => text.trim().parse::<f64>().is_ok(),
            ("Number", v) => v.is_number(),
            ("Boolean", Value::String(text)) => ["true", "false"].contains(&text.as_str()),
            ("Boolean", v) => v.is_boolean(),
            ("List", v) => v.is_array(),
            _ => true,
        };
        if !fits {
            return Err(format!(
                "parameter {name} is {value}, not of its Type {kind}"
            ));
        }
        if let Some(Value::Array(allowed)) = declaration.get("AllowedValues") {
            let values: Vec<&Value> = match value {
                Value::Array(items) if kind == "List" => items.iter().collect(),
                other => vec![other],
            };
            if let Some(bad) = values.into_iter().find(|v| !allowed.contains(v)) {
                return Err(format!(
                    "parameter {name} is {bad}, not one of its AllowedValues {}",
                    Value::Array(allowed.clone())
                ));
            }
        }
        if let Value::String(text) = value {
            let length = text.chars().count();
            let bound = |key: &str| {
                declaration
                    .get(key)
                    .and_then(Value::as_u64)
                    .map(|n| n as usize)
            };
            if bound("MinLength").is_some_and(|min| length < min)
                || bound("MaxLength").is_some_and(|max| length > max)
            {
                return Err(format!("parameter {name} is {length} characters long, outside its MinLength and MaxLength"));
            }
        }
        if kind == "Number" {
            let number = value
                .as_f64()
                .or_else(|| value.as_str().and_then(|t| t.trim().parse().ok()));
            let bound = |key: &str| declaration.get(key).and_then(number_of);
            if let (Some(n), Some(min)) = (number, bound("MinValue")) {
                if n < min {
                    return Err(format!(
                        "parameter {name} is {value}, less than its MinValue {min}"
                    ));
                }
            }
            if let (Some(n), Some(max)) = (number, bound("MaxValue")) {
                if n > max {
                    return Err(format!(
                        "parameter {name} is {value}, more than its MaxValue {max}"
                    ));
                }
            }
        }
        if let Some(Value::String(pattern)) = declaration.get("AllowedPattern") {
            let values: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            if let Some(bad) = values.into_iter().find(|v| {
                !v.is_object() && matches_pattern(&crate::eval::as_text(v), pattern) == Some(false)
            }) {
                return Err(format!(
                    "parameter {name} is {bad}, not matched by its AllowedPattern {pattern}"
                ));
            }
        }
    }
    Ok(())
}

fn number_of(value: &Value) -> Option<f64> {
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|t| t.trim().parse().ok()))
}

/// Whether the whole of `text` matches `pattern`; `None` when the regex engine (jq's, which
/// has no look-around) cannot read the pattern, which then checks nothing.
fn matches_pattern(text: &str, pattern: &str) -> Option<bool> {
    let input = serde_json::json!([text, format!("^(?:{pattern})$")]);
    match crate::eval::jq::first(".[1] as $re | .[0] | test($re)", &input) {
        Ok(Value::Bool(matched)) => Some(matched),
        _ => None,
    }
}

/// `given` as a task passes it to a child template (a cloud product action's definition
/// above all), as OOS passes them on: what the child does not declare is left out (tasks
/// pass their common properties, such as `OOSAssumeRole`, to every action); a list or map
/// given for a `String` becomes its JSON text; a null (what a selector found nothing for)
/// becomes the empty value of the declared type.
pub(crate) fn coerce(
    declared: &Map<String, Value>,
    given: Map<String, Value>,
) -> Map<String, Value> {
    given
        .into_iter()
        .filter_map(|(name, value)| {
            let kind = declared
                .get(&name)?
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or("String");
            let value = match (kind, value) {
                ("String", v @ (Value::Array(_) | Value::Object(_))) => {
                    Value::String(v.to_string())
                }
                ("String", Value::Null) => Value::String(String::new()),
                ("Number", Value::Null) => Value::from(0),
                ("Boolean", Value::Null) => Value::Bool(false),
                ("List", Value::Null) => Value::Array(Vec::new()),
                ("Json", Value::Null) => Value::Object(Map::new()),
                (_, v) => v,
            };
            Some((name, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn children_are_given_what_they_declare_in_its_type() {
        let declared =
            json!({"s": {"Type": "String"}, "n": {"Type": "Number"}, "l": {"Type": "List"}});
        let given = json!({"s": ["a"], "n": null, "l": null, "OOSAssumeRole": "r"});
        assert_eq!(
            Value::Object(coerce(
                declared.as_object().unwrap(),
                given.as_object().cloned().unwrap()
            )),
            json!({"s": "[\"a\"]", "n": 0, "l": []})
        );
    }

    #[test]
    fn refuses_what_oos_refuses() {
        let declared = json!({
            "name": {"Type": "String", "MinLength": 2},
            "size": {"Type": "Number", "Default": 1},
            "mode": {"Type": "String", "AllowedValues": ["a", "b"], "Default": "a"},
            "ids": {"Type": "List", "AllowedValues": ["x", "y"], "Default": []},
            "on": {"Type": "Boolean", "Default": false},
            "doc": {"Type": "Json", "Default": {}},
        });
        let declared = declared.as_object().unwrap();
        let check = |given: Value| check(declared, given.as_object().unwrap());
        check(json!({"name": "web", "size": 3, "mode": "b", "ids": ["y"], "on": true, "doc": [1]}))
            .unwrap();
        check(json!({"name": 12, "size": "3", "on": "true"})).unwrap();
        for (given, says) in [
            (json!({}), "parameter name is required"),
            (
                json!({"name": "web", "other": 1}),
                "declares no parameter other",
            ),
            (
                json!({"name": "web", "size": "three"}),
                "parameter size is \"three\", not of its Type Number",
            ),
            (
                json!({"name": ["web"]}),
                "parameter name is [\"web\"], not of its Type String",
            ),
            (
                json!({"name": "web", "mode": "c"}),
                "parameter mode is \"c\", not one of its AllowedValues",
            ),
            (
                json!({"name": "web", "ids": ["x", "z"]}),
                "parameter ids is \"z\"",
            ),
            (
                json!({"name": "web", "on": "yes"}),
                "not of its Type Boolean",
            ),
            (json!({"name": "w"}), "outside its MinLength"),
        ] {
            let error = check(given.clone()).unwrap_err();
            assert!(error.contains(says), "{given}: {error}");
        }
    }

    #[test]
    fn numbers_keep_to_their_bounds_and_text_to_its_pattern() {
        let declared = json!({
            "count": {"Type": "Number", "MinValue": 1, "MaxValue": 100, "Default": 1},
            "disk": {"Type": "String", "AllowedPattern": "d-[A-Za-z0-9]*", "Default": "d-1"},
            "port": {"Type": "Number", "AllowedPattern": "(^[1-9]\\d{1,3}$)", "Default": 80},
            "ids": {"Type": "List", "AllowedPattern": "i-[a-z0-9]+", "Default": []},
            // A pattern the regex engine cannot read (look-around) checks nothing.
            "password": {"Type": "String", "AllowedPattern": "^(?=.*[0-9]).{8,}$", "Default": "x"},
        });
        let declared = declared.as_object().unwrap();
        let check = |given: Value| check(declared, given.as_object().unwrap());
        check(json!({"count": "100", "disk": "d-abc9", "port": 8080, "ids": ["i-1", "i-a2"], "password": "short"}))
            .unwrap();
        for (given, says) in [
            (
                json!({"count": 0}),
                "parameter count is 0, less than its MinValue 1",
            ),
            (
                json!({"count": "101"}),
                "parameter count is \"101\", more than its MaxValue 100",
            ),
            // The whole value must match, not a part of it.
            (
                json!({"disk": "my-d-1"}),
                "parameter disk is \"my-d-1\", not matched by its AllowedPattern d-[A-Za-z0-9]*",
            ),
            (json!({"disk": ""}), "not matched by its AllowedPattern"),
            (
                json!({"port": 0}),
                "parameter port is 0, not matched by its AllowedPattern",
            ),
            (
                json!({"ids": ["i-1", "x-2"]}),
                "parameter ids is \"x-2\", not matched",
            ),
        ] {
            let error = check(given.clone()).unwrap_err();
            assert!(error.contains(says), "{given}: {error}");
        }
    }
}

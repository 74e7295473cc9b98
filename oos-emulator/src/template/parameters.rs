//! `StartExecution`'s parameters checked against the template's declarations, as OOS checks
//! them: none undeclared, every one without a `Default` given, each of its declared type and
//! within its `AllowedValues` and lengths.

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
    }
    Ok(())
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
}

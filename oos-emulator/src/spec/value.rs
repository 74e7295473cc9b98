//! Reading one parameter value as its documented type: scalars from their wire text, JSON
//! values checked against their type and bounds.

use serde_json::{Map, Number, Value};

use super::{Field, Kind, Limits};

/// What is wrong with a value, and where: `Tags`, `Filter.2.Name`, `ExecutionIds[3]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub at: String,
    pub why: String,
}

impl Invalid {
    pub fn new(at: &str, why: impl Into<String>) -> Self {
        Self {
            at: at.to_owned(),
            why: why.into(),
        }
    }
}

/// A scalar (or enum) read from its wire text and checked against its bounds.
pub(crate) fn scalar(text: &str, field: &Field, at: &str) -> Result<Value, Invalid> {
    let value = match &field.kind {
        Kind::String | Kind::Json => Value::String(text.to_owned()),
        Kind::Enum(values) => {
            if !values.contains(&text) {
                return Err(Invalid::new(
                    at,
                    format!("it must be one of {}", values.join(", ")),
                ));
            }
            Value::String(text.to_owned())
        }
        Kind::Integer => integer(text, i64::from(i32::MIN), i64::from(i32::MAX), at)?,
        Kind::Long => integer(text, i64::MIN, i64::MAX, at)?,
        Kind::Float => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| Invalid::new(at, "it must be a number"))?,
        Kind::Boolean => {
            // Python's SDKs write `True`; the others `true`.
            if text.eq_ignore_ascii_case("true") {
                Value::Bool(true)
            } else if text.eq_ignore_ascii_case("false") {
                Value::Bool(false)
            } else {
                return Err(Invalid::new(at, "it must be true or false"));
            }
        }
        Kind::List(_) | Kind::Map(_) | Kind::Object(_) => {
            return Err(Invalid::new(at, "it must be a structured value"))
        }
    };
    check(&value, field, at)?;
    Ok(value)
}

fn integer(text: &str, min: i64, max: i64, at: &str) -> Result<Value, Invalid> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .map(Value::from)
        .ok_or_else(|| Invalid::new(at, "it must be an integer"))
}

/// Checks a value already read (from JSON, or decoded from the wire) against its field's type
/// and bounds, all the way down.
pub(crate) fn check(value: &Value, field: &Field, at: &str) -> Result<(), Invalid> {
    let kind_ok = match (&field.kind, value) {
        (Kind::Json, _) => true,
        (Kind::String | Kind::Enum(_), Value::String(_)) => true,
        (Kind::Integer, Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        (Kind::Long, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Kind::Float, Value::Number(_)) => true,
        (Kind::Boolean, Value::Bool(_)) => true,
        (Kind::List(_), Value::Array(_)) => true,
        (Kind::Map(_) | Kind::Object(_), Value::Object(_)) => true,
        _ => false,
    };
    if !kind_ok {
        return Err(Invalid::new(
            at,
            format!("it must be {}", describe(&field.kind)),
        ));
    }
    if let (Kind::Enum(values), Value::String(s)) = (&field.kind, value) {
        if !values.contains(&s.as_str()) {
            return Err(Invalid::new(
                at,
                format!("it must be one of {}", values.join(", ")),
            ));
        }
    }
    limits(value, &field.limits, at)?;
    match (&field.kind, value) {
        (Kind::List(element), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check(item, element, &format!("{at}.{}", i + 1))?;
            }
        }
        (Kind::Map(element), Value::Object(entries)) => {
            for (key, item) in entries {
                check(item, element, &format!("{at}.{key}"))?;
            }
        }
        (Kind::Object(fields), Value::Object(entries)) => object(entries, fields, at)?,
        _ => {}
    }
    Ok(())
}

fn object(entries: &Map<String, Value>, fields: &[Field], at: &str) -> Result<(), Invalid> {
    for field in fields {
        let here = format!("{at}.{}", field.name);
        match entries.get(field.name) {
            Some(Value::Null) | None if field.required => {
                return Err(Invalid::new(&here, "it is required"))
            }
            Some(Value::Null) | None => {}
            Some(value) => check(value, field, &here)?,
        }
    }
    Ok(())
}

fn limits(value: &Value, limits: &Limits, at: &str) -> Result<(), Invalid> {
    match value {
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            let low = limits
                .minimum
                .is_some_and(|min| n < min || (limits.exclusive_minimum && n == min) || n.is_nan());
            let high = limits
                .maximum
                .is_some_and(|max| n > max || (limits.exclusive_maximum && n == max) || n.is_nan());
            if low || high {
                return Err(Invalid::new(at, range(limits)));
            }
        }
        Value::String(s) => {
            let len = s.chars().count() as u64;
            if limits.min_length.is_some_and(|min| len < min)
                || limits.max_length.is_some_and(|max| len > max)
            {
                return Err(Invalid::new(
                    at,
                    format!(
                        "its length must be from {} to {} characters",
                        limits.min_length.unwrap_or(0),
                        limits
                            .max_length
                            .map_or_else(|| "any number of".to_owned(), |m| m.to_string())
                    ),
                ));
            }
        }
        Value::Array(items) => {
            let len = items.len() as u64;
            if limits.min_items.is_some_and(|min| len < min)
                || limits.max_items.is_some_and(|max| len > max)
            {
                return Err(Invalid::new(
                    at,
                    format!(
                        "it must have from {} to {} elements",
                        limits.min_items.unwrap_or(0),
                        limits
                            .max_items
                            .map_or_else(|| "any number of".to_owned(), |m| m.to_string())
                    ),
                ));
            }
        }
        _ => {}
    }
    if !limits.allowed.is_empty() {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !limits.allowed.contains(&text.as_str()) {
            return Err(Invalid::new(
                at,
                format!("it must be one of {}", limits.allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn range(limits: &Limits) -> String {
    let bound = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            n.to_string()
        }
    };
    match (limits.minimum, limits.maximum) {
        (Some(min), Some(max)) => format!("it must be from {} to {}", bound(min), bound(max)),
        (Some(min), None) => format!("it must be at least {}", bound(min)),
        (None, Some(max)) => format!("it must be at most {}", bound(max)),
        (None, None) => "it is out of range".to_owned(),
    }
}

/// A type as a message names it.
pub(crate) fn describe(kind: &Kind) -> &'static str {
    match kind {
        Kind::String | Kind::Enum(_) => "a string",
        Kind::Integer => "a 32-bit integer",
        Kind::Long => "an integer",
        Kind::Float => "a number",
        Kind::Boolean => "true or false",
        Kind::Json => "JSON",
        Kind::List(_) => "a JSON array",
        Kind::Map(_) | Kind::Object(_) => "a JSON object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BOUNDED: Field = Field {
        name: "MaxResults",
        kind: Kind::Integer,
        required: false,
        limits: Limits {
            minimum: Some(1.0),
            maximum: Some(100.0),
            ..Limits::NONE
        },
        example: None,
    };

    #[test]
    fn scalars() {
        assert_eq!(scalar("10", &BOUNDED, "MaxResults").unwrap(), json!(10));
        for bad in ["0", "101", "ten", "", "1.5", "99999999999999999999"] {
            let error = scalar(bad, &BOUNDED, "MaxResults").unwrap_err();
            assert_eq!(error.at, "MaxResults", "{bad:?}");
        }
        let flag = Field::of("Force", Kind::Boolean);
        assert_eq!(scalar("True", &flag, "Force").unwrap(), json!(true));
        assert!(scalar("yes", &flag, "Force").is_err());
        let mode = Field::of("Mode", Kind::Enum(&["Automatic", "Debug"]));
        assert!(scalar("Debug", &mode, "Mode").is_ok());
        assert!(scalar("debug", &mode, "Mode")
            .unwrap_err()
            .why
            .contains("Automatic, Debug"));
    }

    #[test]
    fn nested_values_name_where() {
        const ITEM: Field = Field::of("", Kind::String);
        let ids = Field {
            limits: Limits {
                max_items: Some(2),
                ..Limits::NONE
            },
            ..Field::of("Ids", Kind::List(&ITEM))
        };
        assert!(check(&json!(["a", "b"]), &ids, "Ids").is_ok());
        assert_eq!(
            check(&json!(["a", 1]), &ids, "Ids").unwrap_err().at,
            "Ids.2"
        );
        assert!(check(&json!(["a", "b", "c"]), &ids, "Ids")
            .unwrap_err()
            .why
            .contains("from 0 to 2"));
        assert!(check(&json!({}), &ids, "Ids").is_err());
    }
}

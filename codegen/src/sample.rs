//! Checking a sample response against the declared response fields, so that what the
//! generated types parse is exactly what the page shows.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Field, Scalar, StructDef, Type};

/// Why a sample does not fit.
pub(crate) struct SampleError {
    pub message: String,
    /// JSON path, e.g. `$.ExecutionLogs[0].Message`.
    pub json_path: String,
    /// 1-based line within the sample, where known.
    pub json_line: Option<usize>,
    pub help: String,
}

/// `body`: the answer is the value of the one field of `response`, not an object.
pub(crate) fn check(
    sample: &str,
    response: &[Field],
    body: bool,
    structs: &BTreeMap<String, StructDef>,
) -> Result<(), SampleError> {
    let value: Value = serde_json::from_str(sample).map_err(|e| SampleError {
        message: format!("the sample response is not valid JSON: {e}"),
        json_path: String::new(),
        json_line: Some(e.line()),
        help: "paste the page's sample response JSON verbatim".into(),
    })?;
    let mut path = "$".to_owned();
    let checker = Checker { structs };
    match response.first().filter(|_| body) {
        Some(field) => checker.fits(&value, &field.shape.ty, &mut path),
        None => checker.object(&value, response, &mut path),
    }
    .map_err(|(message, help, json_path)| {
        // The key's first occurrence is where a reader will look.
        let key = json_path
            .rsplit(['.', '['])
            .next()
            .unwrap_or_default()
            .trim_end_matches(']');
        let json_line = sample
            .lines()
            .position(|l| l.contains(&format!("\"{key}\"")))
            .map(|i| i + 1);
        SampleError {
            message,
            json_path: json_path.trim_start_matches('$').to_owned(),
            json_line,
            help,
        }
    })
}

type Mismatch = (String, String, String);

struct Checker<'a> {
    structs: &'a BTreeMap<String, StructDef>,
}

impl Checker<'_> {
    fn object(&self, value: &Value, fields: &[Field], path: &mut String) -> Result<(), Mismatch> {
        let Value::Object(map) = value else {
            return Err(mismatch("an object", value, path));
        };
        for (key, v) in map {
            let len = path.len();
            path.push('.');
            path.push_str(key);
            let Some(field) = fields.iter().find(|f| &f.wire == key) else {
                return Err((
                format!("the sample has key `{key}`, which is not declared"),
                format!("declare `{key}` in the response (with `undocumented: true` if the page's tables omit it)"),
                path.clone(),
            ));
            };
            self.fits(v, &field.shape.ty, path)?;
            path.truncate(len);
        }
        Ok(())
    }

    fn fits(&self, value: &Value, ty: &Type, path: &mut String) -> Result<(), Mismatch> {
        match ty {
            Type::Scalar(s) => {
                let ok = match s {
                    Scalar::String => value.is_string(),
                    Scalar::Integer => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                    Scalar::Long => value.is_i64() || value.is_u64(),
                    Scalar::Boolean => value.is_boolean(),
                    // An integer literal comes back as `1.0`, the same number.
                    Scalar::Float => value.is_number(),
                };
                if ok {
                    Ok(())
                } else {
                    Err(mismatch(scalar_name(*s), value, path))
                }
            }
            Type::Json => Ok(()),
            Type::Enum(_) if value.is_string() => Ok(()),
            Type::Enum(_) => Err(mismatch("a String", value, path)),
            Type::List(element) => {
                let Value::Array(items) = value else {
                    return Err(mismatch("a list", value, path));
                };
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.fits(item, &element.ty, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            Type::Map(element) => {
                let Value::Object(map) = value else {
                    return Err(mismatch("a map", value, path));
                };
                for (key, item) in map {
                    let len = path.len();
                    path.push_str(&format!(".{key}"));
                    self.fits(item, &element.ty, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            Type::Object(name) => {
                let fields = self
                    .structs
                    .get(name)
                    .map(|s| s.fields.as_slice())
                    .unwrap_or(&[]);
                self.object(value, fields, path)
            }
        }
    }
}

fn scalar_name(s: Scalar) -> &'static str {
    match s {
        Scalar::String => "a String",
        Scalar::Integer => "an Integer (32-bit)",
        Scalar::Long => "a Long (64-bit integer)",
        Scalar::Boolean => "a Boolean",
        Scalar::Float => "a Float (a number)",
    }
}

fn mismatch(want: &str, got: &Value, path: &str) -> Mismatch {
    let got = match got {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.len() > 40 => "a string".to_owned(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    (
        format!("the declared type is {want}, but the sample has {got}"),
        "fix the field's `type` (or `items`) so it matches the sample".to_owned(),
        path.to_owned(),
    )
}

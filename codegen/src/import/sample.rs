//! What documented samples add to a spec: fields only a sample shows, and types a sample
//! contradicts.

use serde_json::Value;

use crate::spec::{FieldSpec, Items};

/// The fields `samples` (objects at this level) have but `declared` does not, in the order
/// the samples first show them, typed from their values and marked `undocumented`.
pub(super) fn sample_only(declared: &[FieldSpec], samples: &[&Value]) -> Vec<FieldSpec> {
    let mut extra: Vec<(String, Vec<&Value>)> = Vec::new();
    for sample in samples {
        if let Value::Object(map) = sample {
            for (key, value) in map {
                if declared.iter().any(|f| &f.name == key) {
                    continue;
                }
                match extra.iter_mut().find(|(k, _)| k == key) {
                    Some((_, values)) => values.push(value),
                    None => extra.push((key.clone(), vec![value])),
                }
            }
        }
    }
    extra
        .into_iter()
        .map(|(key, values)| {
            let mut field = FieldSpec {
                name: key,
                undocumented: true,
                ..FieldSpec::default()
            };
            match (
                values.iter().all(|v| v.is_array()),
                values.iter().all(|v| v.is_object()),
            ) {
                (true, _) => {
                    field.ty = "List".into();
                    let items = scalar_kind(values.iter().filter_map(|v| v.as_array()).flatten());
                    field.items = Some(Items::Name(items));
                }
                (_, true) => field.ty = "JSON".into(),
                _ => field.ty = scalar_kind(values.iter().copied()),
            }
            field
        })
        .collect()
}

/// Completes declared fields from samples, at every level: keys only a sample has become
/// `undocumented` fields, and a field whose sample value does not fit its declared type is
/// kept as JSON (any value), with the declared type in `doc_type`, so that the sample
/// round-trips.
pub(super) fn complete(fields: &mut Vec<FieldSpec>, samples: &[&Value]) {
    for field in fields.iter_mut() {
        let values: Vec<&Value> = samples
            .iter()
            .filter_map(|s| s.get(field.name.as_str()))
            .collect();
        if values.is_empty() {
            continue;
        }
        if !values.iter().all(|v| fits(v, field)) {
            let declared = describe(field);
            *field = FieldSpec {
                name: field.name.clone(),
                ty: "JSON".into(),
                doc_type: Some(declared),
                example: field.example.take(),
                description: field.description.take(),
                title: field.title.take(),
                deprecated: field.deprecated,
                rust_name: field.rust_name.take(),
                doc: field.doc.take(),
                ..FieldSpec::default()
            };
            continue;
        }
        let elements: Vec<&Value> = match field.ty.as_str() {
            "List" => values
                .iter()
                .filter_map(|v| v.as_array())
                .flatten()
                .collect(),
            "Map" => values
                .iter()
                .filter_map(|v| v.as_object())
                .flat_map(|m| m.values())
                .collect(),
            _ => values,
        };
        if let Some(nested) = field.fields.as_mut() {
            complete(nested, &elements);
        } else if let Some(Items::Entry(entry)) = field.items.as_mut() {
            if let Some(nested) = entry.fields.as_mut() {
                complete(nested, &elements);
            }
        }
    }
    let extra = sample_only(fields, samples);
    fields.extend(extra);
}

/// How the spec writes a field's type, for `doc_type`.
fn describe(field: &FieldSpec) -> String {
    match &field.items {
        Some(items) => format!("{} of {}", field.ty, items.type_name()),
        None => field.ty.clone(),
    }
}

/// Whether a sample value fits a field as declared (nested objects are completed, not
/// checked, here).
fn fits(value: &Value, field: &FieldSpec) -> bool {
    if field.free_form || value.is_null() {
        return true;
    }
    match field.ty.as_str() {
        "List" => match value.as_array() {
            Some(items) => items.iter().all(|v| element_fits(v, field.items.as_ref())),
            None => false,
        },
        "Map" => match value.as_object() {
            Some(map) => map.values().all(|v| element_fits(v, field.items.as_ref())),
            None => false,
        },
        other => scalar_fits(value, other),
    }
}

fn element_fits(value: &Value, items: Option<&Items>) -> bool {
    match items {
        Some(Items::Name(name)) => scalar_fits(value, name),
        Some(Items::Entry(entry)) => fits(value, entry),
        None => true,
    }
}

fn scalar_fits(value: &Value, ty: &str) -> bool {
    match ty {
        "String" => value.is_string(),
        "Integer" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        "Long" => value.is_i64() || value.is_u64(),
        "Boolean" => value.is_boolean(),
        "Float" => value.is_number(),
        "Object" => value.is_object(),
        _ => true,
    }
}

/// The one scalar type all `values` share; `JSON` (any value) when they differ or are none.
pub(super) fn scalar_kind<'a>(values: impl Iterator<Item = &'a Value>) -> String {
    let mut kind: Option<&str> = None;
    for v in values {
        let this = match v {
            Value::String(_) => "String",
            Value::Bool(_) => "Boolean",
            Value::Number(n) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => "Integer",
            Value::Number(n) if n.is_i64() || n.is_u64() => "Long",
            Value::Number(_) => "Float",
            _ => return "JSON".into(),
        };
        kind = match (kind, this) {
            (None, t) => Some(t),
            (Some(a), b) if a == b => Some(a),
            (Some("Integer"), "Long") | (Some("Long"), "Integer") => Some("Long"),
            _ => return "JSON".into(),
        };
    }
    kind.unwrap_or("JSON").to_owned()
}

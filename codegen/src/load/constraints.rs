//! Documented constraints: bounds, sizes, lengths and allowed values, checked for the type
//! they apply to.

use super::Cx;
use crate::error::SpecError;
use crate::model::{Constraints, Scalar, Type};
use crate::spec::FieldSpec;

impl Cx<'_> {
    /// The constraints of a field or element, checked against the type they describe.
    pub(super) fn constraints(
        &self,
        keys: &[&str],
        spec: &FieldSpec,
        ty: &Type,
    ) -> Result<Constraints, SpecError> {
        // A value kept as free-form JSON is not checked: its constraints stay documentation.
        if spec.free_form {
            return Ok(Constraints::default());
        }
        let numeric = matches!(
            ty,
            Type::Scalar(Scalar::Integer | Scalar::Long | Scalar::Float)
        );
        let integer = matches!(ty, Type::Scalar(Scalar::Integer | Scalar::Long));
        let string = matches!(ty, Type::Scalar(Scalar::String) | Type::Enum(_));
        let list = matches!(ty, Type::List(_));
        let wrong = |key: &str, want: &str| {
            self.err(
                keys,
                format!("`{key}` applies to {want}, not to `{}`", spec.ty),
            )
            .help(format!("remove `{key}`, or fix the type"))
        };
        for (key, value) in [("minimum", spec.minimum), ("maximum", spec.maximum)] {
            if let Some(v) = value {
                if !numeric {
                    return Err(wrong(key, "numbers"));
                }
                // YAML's `.inf` and `.nan` read as floats, but no Rust literal writes them.
                if !v.is_finite() {
                    return Err(self
                        .err(keys, format!("`{key}` is {v}, not a finite number"))
                        .help("write a number, or remove the bound"));
                }
                if integer && v.fract() != 0.0 {
                    return Err(self
                        .err(
                            keys,
                            format!("`{key}` is {v}, which an integer field cannot reach exactly"),
                        )
                        .help("write a whole number"));
                }
            }
        }
        if let (Some(min), Some(max)) = (spec.minimum, spec.maximum) {
            if min > max {
                return Err(self
                    .err(
                        keys,
                        format!("`minimum` {min} is greater than `maximum` {max}"),
                    )
                    .help("swap or fix the bounds"));
            }
        }
        if spec.exclusive_minimum && spec.minimum.is_none() {
            return Err(wrong("exclusive_minimum", "a field with a `minimum`"));
        }
        if spec.exclusive_maximum && spec.maximum.is_none() {
            return Err(wrong("exclusive_maximum", "a field with a `maximum`"));
        }
        for (key, set) in [
            ("min_items", spec.min_items.is_some()),
            ("max_items", spec.max_items.is_some()),
        ] {
            if set && !list {
                return Err(wrong(key, "Lists"));
            }
        }
        for (key, set) in [
            ("min_length", spec.min_length.is_some()),
            ("max_length", spec.max_length.is_some()),
            ("pattern", spec.pattern.is_some()),
        ] {
            if set && !string {
                return Err(wrong(key, "Strings"));
            }
        }
        if let (Some(min), Some(max)) = (spec.min_items, spec.max_items) {
            if min > max {
                return Err(self
                    .err(
                        keys,
                        format!("`min_items` {min} is greater than `max_items` {max}"),
                    )
                    .help("swap or fix the bounds"));
            }
        }
        if let (Some(min), Some(max)) = (spec.min_length, spec.max_length) {
            if min > max {
                return Err(self
                    .err(
                        keys,
                        format!("`min_length` {min} is greater than `max_length` {max}"),
                    )
                    .help("swap or fix the bounds"));
            }
        }
        // Values that became an enum are checked by the enum; others stay as a list.
        let allowed = match ty {
            Type::Scalar(Scalar::String | Scalar::Integer | Scalar::Long) => values(spec),
            _ => None,
        };
        Ok(Constraints {
            minimum: spec.minimum,
            maximum: spec.maximum,
            exclusive_minimum: spec.exclusive_minimum,
            exclusive_maximum: spec.exclusive_maximum,
            min_items: spec.min_items,
            max_items: spec.max_items,
            min_length: spec.min_length,
            max_length: spec.max_length,
            pattern: spec.pattern.clone(),
            allowed,
        })
    }
}

/// The values a field may take: the documented ones, then the extra ones not among them.
pub(super) fn values(spec: &FieldSpec) -> Option<Vec<String>> {
    let mut values = spec.values.clone()?;
    for extra in spec.extra_values.iter().flatten() {
        if !values.contains(extra) {
            values.push(extra.clone());
        }
    }
    Some(values)
}

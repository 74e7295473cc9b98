//! The checks the generated `validate` methods run before a request is sent: required
//! parameters, documented ranges, enumerated values, list sizes and string lengths. A
//! failure is a [`BuildError`] naming the parameter by its wire path (`Filter.2.Value`).

// Which checks the generated code calls depends on the constraints the specs document.
#![allow(dead_code)]

use std::fmt;

use crate::error::{BuildError, Problem};

/// Where a value sits in a request, built on the stack as the checks descend and written
/// out only when a check fails.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// A top-level parameter.
    Param(&'static str),
    /// A field of an object.
    Field(&'a Path<'a>, &'static str),
    /// An element of a list (counted from 0 here, written from 1 as on the wire).
    Index(&'a Path<'a>, usize),
    /// An entry of a map.
    Key(&'a Path<'a>, &'a str),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Param(name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, index) => write!(f, "{parent}.{}", index + 1),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
        }
    }
}

fn fail(path: Path<'_>, problem: Problem) -> Result<(), BuildError> {
    Err(BuildError {
        parameter: path.to_string(),
        problem,
    })
}

/// A required value is set.
pub fn required(present: bool, path: Path<'_>, setter: &'static str) -> Result<(), BuildError> {
    if present {
        Ok(())
    } else {
        fail(path, Problem::Missing { setter })
    }
}

/// A number lies within its documented bounds.
pub fn range(
    value: f64,
    path: Path<'_>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
) -> Result<(), BuildError> {
    let below = minimum.is_some_and(|min| value < min || (exclusive_minimum && value == min));
    let above = maximum.is_some_and(|max| value > max || (exclusive_maximum && value == max));
    if !(below || above || value.is_nan()) {
        return Ok(());
    }
    let bound = |b: f64, exclusive: bool| {
        if exclusive {
            format!("{b} (excluded)")
        } else {
            b.to_string()
        }
    };
    let range = match (minimum, maximum) {
        (Some(min), Some(max)) => format!(
            "from {} to {}",
            bound(min, exclusive_minimum),
            bound(max, exclusive_maximum)
        ),
        (Some(min), None) => format!("at least {}", bound(min, exclusive_minimum)),
        (None, Some(max)) => format!("at most {}", bound(max, exclusive_maximum)),
        (None, None) => "a number".to_owned(),
    };
    fail(
        path,
        Problem::OutOfRange {
            value: value.to_string(),
            range,
        },
    )
}

/// A list has as many elements as documented.
pub fn items(
    count: usize,
    path: Path<'_>,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), BuildError> {
    let count = count as u64;
    match (min, max) {
        (Some(min), _) if count < min => fail(path, Problem::TooFewItems { count, min }),
        (_, Some(max)) if count > max => fail(path, Problem::TooManyItems { count, max }),
        _ => Ok(()),
    }
}

/// A string has as many characters as documented.
pub fn length(
    value: &str,
    path: Path<'_>,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), BuildError> {
    let length = value.chars().count() as u64;
    match (min, max) {
        (Some(min), _) if length < min => fail(path, Problem::TooShort { length, min }),
        (_, Some(max)) if length > max => fail(path, Problem::TooLong { length, max }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_written_as_on_the_wire() {
        let top = Path::Param("Filter");
        let element = Path::Index(&top, 1);
        let field = Path::Field(&element, "Value");
        let entry = Path::Key(&field, "env");
        assert_eq!(entry.to_string(), "Filter.2.Value.env");
    }

    #[test]
    fn each_check_names_the_parameter_and_the_rule() {
        let p = Path::Param("MaxResults");
        assert!(range(50.0, p, Some(1.0), Some(100.0), false, false).is_ok());
        assert_eq!(
            range(0.0, p, Some(1.0), Some(100.0), false, false)
                .unwrap_err()
                .to_string(),
            "parameter `MaxResults` is 0, outside its documented range: from 1 to 100"
        );
        assert_eq!(
            range(1.0, p, Some(1.0), None, true, false)
                .unwrap_err()
                .to_string(),
            "parameter `MaxResults` is 1, outside its documented range: at least 1 (excluded)"
        );
        assert!(range(100.0, p, None, Some(100.0), false, false).is_ok());
        assert!(range(100.0, p, None, Some(100.0), false, true).is_err());
        assert!(range(f64::NAN, p, None, Some(1.0), false, false).is_err());
        assert_eq!(
            items(6, Path::Param("Filter"), None, Some(5))
                .unwrap_err()
                .to_string(),
            "parameter `Filter` has 6 elements; at most 5 are allowed"
        );
        assert_eq!(
            items(0, Path::Param("Names"), Some(1), None)
                .unwrap_err()
                .to_string(),
            "parameter `Names` has 0 elements; at least 1 are needed"
        );
        assert_eq!(
            length("ab", Path::Param("Name"), Some(3), None)
                .unwrap_err()
                .to_string(),
            "parameter `Name` has 2 characters; at least 3 are needed"
        );
        assert_eq!(
            length("abcd", Path::Param("Name"), None, Some(3))
                .unwrap_err()
                .to_string(),
            "parameter `Name` has 4 characters; at most 3 are allowed"
        );
        assert!(length("日本語", Path::Param("Name"), None, Some(3)).is_ok());
        assert_eq!(
            required(false, Path::Param("ExecutionId"), "execution_id")
                .unwrap_err()
                .to_string(),
            "required parameter `ExecutionId` is not set: call `.execution_id(..)` before sending"
        );
    }
}

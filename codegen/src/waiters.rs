//! Checking an action's `waiters:` declarations against its response and errors: the path
//! must lead to one comparable value, the values must be ones that value can take, the
//! lists must not overlap and the delays must make sense.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use heck::ToSnakeCase;

use crate::error::{locate, SpecError};
use crate::model::{EnumDef, Field, PathStep, Scalar, StructDef, Type, WaitedValue, Waiter};
use crate::names;
use crate::spec::WaiterSpec;

/// What a waiter's declaration is checked against.
pub(crate) struct Context<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub request: &'a [Field],
    pub response: &'a [Field],
    pub structs: &'a BTreeMap<String, StructDef>,
    pub enums: &'a BTreeMap<String, EnumDef>,
}

/// The checked waiters of one action.
pub(crate) fn check(cx: &Context<'_>, specs: &[WaiterSpec]) -> Result<Vec<Waiter>, SpecError> {
    let mut names = HashSet::new();
    let mut waiters = Vec::new();
    for spec in specs {
        let at = At {
            cx,
            name: &spec.name,
        };
        if !names::is_type_name(&spec.name) {
            return Err(at
                .err("name", format!("waiter name `{}` is not an UpperCamelCase identifier", spec.name))
                .help("name what is waited for, e.g. `ExecutionFinished`: it gives `wait_until_execution_finished`"));
        }
        if !names.insert(spec.name.as_str()) {
            let mut error = at
                .err("name", format!("waiter `{}` is declared twice", spec.name))
                .help("keep one entry per waiter, or rename one");
            error.line = second_entry(cx.text, &spec.name).or(error.line);
            return Err(error);
        }
        // The request builder gets the waiter's method beside the setters.
        let method = method_name(&spec.name);
        if let Some(f) = cx.request.iter().find(|f| f.rust == method) {
            return Err(at
                .err("name", format!("parameter `{}` has setter `{}`, the waiter's method on the request builder", f.wire, f.rust))
                .help(format!("give the parameter a `rust_name` (e.g. `{}_value`)", f.rust)));
        }
        for wire in &spec.requires {
            if !cx.request.iter().any(|f| &f.wire == wire) {
                return Err(at
                    .err(
                        "requires",
                        format!("`{wire}` is not a request parameter of this action"),
                    )
                    .help("list top-level request parameters by their wire names"));
            }
        }
        let requires = cx
            .request
            .iter()
            .filter(|f| f.required || spec.requires.contains(&f.wire))
            .map(|f| f.wire.clone())
            .collect();
        let (steps, value, values) = at.path(&spec.path)?;
        at.values(spec, value, values)?;
        at.errors(&spec.retry_errors)?;
        at.delays(spec)?;
        waiters.push(Waiter {
            name: spec.name.clone(),
            line: locate(cx.text, &["waiters", &spec.name]),
            description: spec.description.clone(),
            path: spec.path.clone(),
            steps,
            value,
            success: spec.success.clone(),
            failure: spec.failure.clone(),
            retry: spec.retry.clone(),
            retry_errors: spec.retry_errors.clone(),
            requires,
            min_delay: spec.min_delay,
            max_delay: spec.max_delay,
            max_wait: spec.max_wait,
        });
    }
    Ok(waiters)
}

/// The client method of a waiter: `ExecutionFinished` → `wait_until_execution_finished`.
pub fn method_name(waiter: &str) -> String {
    format!("wait_until_{}", waiter.to_snake_case())
}

/// Waiters of different actions that would give the same client method, as errors naming
/// both declarations.
pub(crate) fn clashes<'a>(waiters: impl Iterator<Item = (&'a Path, &'a Waiter)>) -> Vec<SpecError> {
    let mut seen: BTreeMap<String, (&Path, Option<usize>)> = BTreeMap::new();
    let mut errors = Vec::new();
    for (file, waiter) in waiters {
        let method = method_name(&waiter.name);
        match seen.get(&method) {
            Some((first, first_line)) => {
                let first_at = match first_line {
                    Some(l) => format!("{}:{l}", first.display()),
                    None => first.display().to_string(),
                };
                errors.push(
                    SpecError::new(
                        file,
                        format!("waiter `{}` gives `client.{method}()`, which the waiter at {first_at} already gives", waiter.name),
                    )
                    .at(waiter.line)
                    .path(format!("waiters.{}.name", waiter.name))
                    .help("give one of the two waiters another name"),
                );
            }
            None => {
                seen.insert(method, (file, waiter.line));
            }
        }
    }
    errors
}

/// Where a path leads: its steps, the kind of value there, and the values an enum can take.
type Reached = (Vec<PathStep>, WaitedValue, Option<Vec<String>>);

struct At<'a> {
    cx: &'a Context<'a>,
    name: &'a str,
}

impl At<'_> {
    /// An error at `key` of this waiter: the key's own line when it can be found, else the
    /// waiter's.
    fn err(&self, key: &str, message: String) -> SpecError {
        let start = locate(self.cx.text, &["waiters", self.name]);
        let line = start.map(|start| key_line(self.cx.text, start, key).unwrap_or(start));
        SpecError::new(self.cx.file, message)
            .at(line)
            .path(format!("waiters.{}.{key}", self.name))
    }

    /// The steps of `path`, the kind of value it ends at, and that value's enumerated values
    /// (for an enum).
    fn path(&self, path: &str) -> Result<Reached, SpecError> {
        let help = "write wire names joined by `.`, with `[n]` for the n-th element of a List, e.g. `Executions[0].Status`";
        if path.trim().is_empty() {
            return Err(self.err("path", "`path` is empty".into()).help(help));
        }
        let mut steps = Vec::new();
        let mut fields: &[Field] = self.cx.response;
        let mut within = "the response".to_owned();
        let mut current: Option<&Type> = None;
        for segment in path.split('.') {
            let (name, indexes) = parse_segment(segment).ok_or_else(|| {
                self.err(
                    "path",
                    format!(
                        "`{segment}` in `path` is not a field name with optional `[n]` indexes"
                    ),
                )
                .help(help)
            })?;
            if let Some(ty) = current {
                fields = self.object_fields(ty, &within, segment)?;
            }
            let field = fields.iter().find(|f| f.wire == name).ok_or_else(|| {
                let known: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
                self.err("path", format!("`{name}` is not a field of {within}"))
                    .help(format!("use one of: {}", known.join(", ")))
            })?;
            steps.push(PathStep::Field(field.rust.clone()));
            let mut ty = &field.shape.ty;
            for index in indexes {
                let Type::List(element) = ty else {
                    return Err(self
                        .err(
                            "path",
                            format!("`{name}` is not a List, so `[{index}]` cannot index it"),
                        )
                        .help("remove the index"));
                };
                steps.push(PathStep::Index(index));
                ty = &element.ty;
            }
            within = format!("`{name}`");
            current = Some(ty);
        }
        let ty = current.expect("a path has at least one segment");
        let last = path.rsplit('.').next().unwrap_or(path);
        match ty {
            Type::Scalar(Scalar::String) => Ok((steps, WaitedValue::String, None)),
            Type::Scalar(Scalar::Boolean) => Ok((steps, WaitedValue::Boolean, Some(vec!["true".into(), "false".into()]))),
            Type::Scalar(Scalar::Integer | Scalar::Long) => Ok((steps, WaitedValue::Integer, None)),
            Type::Enum(name) => {
                let values = self
                    .cx
                    .enums
                    .get(name)
                    .map(|e| e.values.iter().map(|(_, wire)| wire.clone()).collect());
                Ok((steps, WaitedValue::Enum, values))
            }
            Type::List(_) => Err(self
                .err("path", format!("`path` ends at `{last}`, a List"))
                .help("pick one element with `[n]` and one of its fields, e.g. `Executions[0].Status`")),
            other => Err(self
                .err("path", format!("`path` ends at `{last}`, {}; a waiter compares a String, an enum, a Boolean or an integer", describe(other)))
                .help("point `path` at a scalar field")),
        }
    }

    /// The fields of the object `ty`, which `segment` goes into.
    fn object_fields(&self, ty: &Type, within: &str, segment: &str) -> Result<&[Field], SpecError> {
        match ty {
            Type::Object(name) => self
                .cx
                .structs
                .get(name)
                .map(|s| s.fields.as_slice())
                .ok_or_else(|| {
                    self.err("path", format!("{within} refers to struct `{name}`, declared in another file, which a waiter cannot look into"))
                        .help("declare the object's fields in this file, or wait on another field")
                }),
            Type::List(_) => Err(self
                .err("path", format!("{within} is a List: `{segment}` must follow one of its elements"))
                .help(format!("write {}[0].{segment} to read its first element", within.trim_matches('`')))),
            other => Err(self
                .err("path", format!("{within} is {}, which has no field `{segment}`", describe(other)))
                .help("end `path` there, or point it at an object")),
        }
    }

    fn values(
        &self,
        spec: &WaiterSpec,
        value: WaitedValue,
        allowed: Option<Vec<String>>,
    ) -> Result<(), SpecError> {
        if spec.success.is_empty() {
            return Err(self
                .err("success", "`success` lists no value".into())
                .help("list the values that end the wait successfully, or `\"*\"` for any value"));
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let mut wildcard: Option<&str> = None;
        for (key, values) in [
            ("success", &spec.success),
            ("failure", &spec.failure),
            ("retry", &spec.retry),
        ] {
            for v in values.iter() {
                if v == "*" {
                    if values.len() > 1 {
                        return Err(self
                            .err(key, format!("`*` in `{key}` stands for every other value, so it must be alone there"))
                            .help(format!("write `{key}: [\"*\"]`, or list the values")));
                    }
                    if let Some(first) = wildcard {
                        return Err(self
                            .err(key, format!("`*` is in both `{first}` and `{key}`"))
                            .help("keep `*` in one list: it stands for every value the lists do not name"));
                    }
                    wildcard = Some(key);
                    continue;
                }
                if let Some(first) = seen.insert(v, key) {
                    let message = if first == key {
                        format!("value `{v}` is listed twice in `{key}`")
                    } else {
                        format!("value `{v}` is in both `{first}` and `{key}`")
                    };
                    return Err(self
                        .err(key, message)
                        .help("list each value once, in the list of what it means"));
                }
                match (&allowed, value) {
                    (Some(allowed), _) if !allowed.iter().any(|a| a == v) => {
                        let field = spec.path.rsplit('.').next().unwrap_or(&spec.path);
                        return Err(self
                            .err(key, format!("`{v}` is not a value `{field}` can take"))
                            .help(format!(
                                "list only its documented values: {}",
                                allowed.join(", ")
                            )));
                    }
                    (_, WaitedValue::Integer) if v.parse::<i64>().is_err() => {
                        return Err(self
                            .err(
                                key,
                                format!("`{v}` is not an integer, and `{}` is one", spec.path),
                            )
                            .help("list whole numbers"));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The codes need not be documented (the documentation lists few of the codes OOS
    /// answers with), but must be codes: a typo in one would never match.
    fn errors(&self, codes: &[String]) -> Result<(), SpecError> {
        let mut seen = HashSet::new();
        for code in codes {
            if !names::is_type_name(&names::error_variant(code)) {
                return Err(self
                    .err("retry_errors", format!("`{code}` is not an error code"))
                    .help(
                        "write the code as OOS answers it, e.g. `EntityNotExists.TemplateVersion`",
                    ));
            }
            if !seen.insert(code) {
                return Err(self
                    .err("retry_errors", format!("`{code}` is listed twice"))
                    .help("list each code once"));
            }
        }
        Ok(())
    }

    fn delays(&self, spec: &WaiterSpec) -> Result<(), SpecError> {
        if spec.min_delay == 0 {
            return Err(self
                .err(
                    "min_delay",
                    "`min_delay` is 0, which would poll without pause".into(),
                )
                .help("wait at least 1 second between polls"));
        }
        if spec.min_delay > spec.max_delay {
            return Err(self
                .err(
                    "max_delay",
                    format!(
                        "`max_delay` {} is less than `min_delay` {}",
                        spec.max_delay, spec.min_delay
                    ),
                )
                .help("make `max_delay` at least `min_delay`"));
        }
        if spec.max_delay > spec.max_wait {
            return Err(self
                .err(
                    "max_wait",
                    format!(
                        "`max_wait` {} is less than `max_delay` {}",
                        spec.max_wait, spec.max_delay
                    ),
                )
                .help("make `max_wait` at least `max_delay`: the wait must allow one full delay"));
        }
        Ok(())
    }
}

/// The line of the second waiter entry named `name`.
fn second_entry(text: &str, name: &str) -> Option<usize> {
    let first = locate(text, &["waiters", name])?;
    text.lines()
        .enumerate()
        .skip(first)
        .find(|(_, line)| {
            line.trim_start()
                .strip_prefix("- name:")
                .is_some_and(|v| v.trim().trim_matches(|c| c == '"' || c == '\'') == name)
        })
        .map(|(i, _)| i + 1)
}

/// `Name`, `Name[0]`, `Name[0][2]` → the name and the indexes.
fn parse_segment(segment: &str) -> Option<(&str, Vec<usize>)> {
    let (name, mut rest) = match segment.find('[') {
        Some(i) => (&segment[..i], &segment[i..]),
        None => (segment, ""),
    };
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-:@$".contains(c));
    if !valid_name {
        return None;
    }
    let mut indexes = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        indexes.push(inner[..close].parse().ok()?);
        rest = &inner[close + 1..];
    }
    Some((name, indexes))
}

fn describe(ty: &Type) -> &'static str {
    match ty {
        Type::Scalar(Scalar::Float) => "a Float",
        Type::Json => "free-form JSON",
        Type::Map(_) => "a Map",
        Type::Object(_) => "an Object",
        Type::List(_) => "a List",
        Type::Scalar(_) | Type::Enum(_) => "a scalar",
    }
}

/// The line of `key:` in the entry that starts at line `start` (1-based), if it is there.
fn key_line(text: &str, start: usize, key: &str) -> Option<usize> {
    let prefix = format!("{key}:");
    for (i, line) in text.lines().enumerate().skip(start - 1) {
        let trimmed = line.trim_start();
        if i + 1 > start && trimmed.starts_with("- ") {
            return None;
        }
        let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if trimmed.starts_with(&prefix) {
            return Some(i + 1);
        }
        if i + 1 > start && !line.starts_with(' ') && !line.is_empty() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        assert_eq!(parse_segment("Status"), Some(("Status", vec![])));
        assert_eq!(
            parse_segment("Executions[0]"),
            Some(("Executions", vec![0]))
        );
        assert_eq!(parse_segment("A[1][2]"), Some(("A", vec![1, 2])));
        for bad in ["", "[0]", "A[", "A[x]", "A[0]b", "A b"] {
            assert_eq!(parse_segment(bad), None, "{bad}");
        }
    }

    #[test]
    fn keys_are_found_within_their_entry() {
        let text = "action: A\nwaiters:\n  - name: One\n    path: X\n  - name: Two\n    success: [a]\n    path: Y\nsample_request: x\n";
        assert_eq!(key_line(text, 3, "path"), Some(4));
        assert_eq!(key_line(text, 3, "success"), None);
        assert_eq!(key_line(text, 5, "path"), Some(7));
        assert_eq!(key_line(text, 5, "name"), Some(5));
        assert_eq!(key_line(text, 5, "max_wait"), None);
    }
}

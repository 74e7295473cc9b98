//! Naming rules from wire names to Rust names, shared by the loader and the importers so that
//! an import never produces a name the loader refuses.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Names the setters of a request would clash with on the fluent builder.
pub const RESERVED_SETTERS: &[&str] = &[
    "input",
    "set_input",
    "map_input",
    "send",
    "into_paginator",
    "follow",
    "new",
    "validate",
];

/// Type names nested types must not take: those the generated tree defines itself, and the
/// prelude's, which generated code names unqualified (a struct `Result` would shadow the
/// `Result` of every `validate` in its module).
pub const RESERVED_TYPES: &[&str] = &[
    "CommonError",
    "Unknown",
    // std's prelude (2021 edition) and the derive macros generated code uses.
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// `ExecutionLogs` → `ExecutionLog`, `Policies` → `Policy`, `Addresses` → `Address`.
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name
        .strip_suffix("sses")
        .or_else(|| name.strip_suffix("xes"))
    {
        format!("{stem}{}", if name.ends_with("sses") { "ss" } else { "x" })
    } else if name.ends_with('s') && !name.ends_with("ss") && !name.ends_with("us") {
        name[..name.len() - 1].to_owned()
    } else {
        format!("{name}Item")
    }
}

/// The Rust type name of a nested object found under `field`: the field's name, in the
/// singular when the field is a list of such objects.
pub fn struct_name(field: &str, list: bool) -> String {
    let base = field.to_upper_camel_case();
    if list {
        singular(&base)
    } else {
        base
    }
}

/// The enum variant of an error code: `EntityNotExists.Execution` → `EntityNotExistsExecution`.
pub fn error_variant(code: &str) -> String {
    code.split(['.', '-', '_', ':', ' '])
        .map(|s| s.to_upper_camel_case())
        .collect()
}

/// The enum variant of an enumerated value, if it can be one: `slow_mode` → `SlowMode`.
pub fn value_variant(value: &str) -> Option<String> {
    let variant = value.to_upper_camel_case();
    (variant != "Unknown" && is_type_name(&variant)).then_some(variant)
}

/// The snake_case Rust name of a field, and whether it needs a `rust_name` (a keyword, or a
/// setter name the request builder has).
pub fn field_name(wire: &str, request: bool) -> (String, Option<String>) {
    let snake = wire.to_snake_case();
    if is_keyword(&snake) {
        let fixed = format!("{snake}_");
        (fixed.clone(), Some(fixed))
    } else if request && RESERVED_SETTERS.contains(&snake.as_str()) {
        let fixed = format!("{snake}_value");
        (fixed.clone(), Some(fixed))
    } else {
        (snake, None)
    }
}

/// The types every action module defines; nested types must not take these names.
pub fn generated_type_names(action: &str) -> HashSet<String> {
    ["Input", "Output", "Error", "FluentBuilder"]
        .iter()
        .map(|s| format!("{action}{s}"))
        .collect()
}

/// A wire name an action may have: letters and digits, a letter first (`ListExecutionLogs`,
/// or `createTicketWithBizData` as a few products write theirs).
pub fn is_action_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// An UpperCamelCase identifier, as struct and enum names must be (`Self` is a
/// keyword, not one).
pub fn is_type_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && s != "Self"
}

/// A snake_case identifier.
pub fn is_snake_ident(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s != "_"
}

/// A Rust keyword (strict, reserved or edition-dependent).
pub fn is_keyword(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    KEYWORDS.contains(&s)
}

/// Whether the name of an action says it only reads: such actions are safe to repeat.
pub fn reads_only(action: &str) -> bool {
    const READ_VERBS: &[&str] = &[
        "List", "Get", "Describe", "Query", "Search", "Check", "Validate", "Generate",
    ];
    READ_VERBS.iter().any(|verb| {
        action
            .strip_prefix(verb)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_names() {
        assert_eq!(singular("ExecutionLogs"), "ExecutionLog");
        assert_eq!(singular("Policies"), "Policy");
        assert_eq!(singular("Addresses"), "Address");
        assert_eq!(singular("Boxes"), "Box");
        assert_eq!(singular("Status"), "StatusItem");
        assert_eq!(singular("Data"), "DataItem");
    }

    #[test]
    fn variants() {
        assert_eq!(
            error_variant("EntityNotExists.Execution"),
            "EntityNotExistsExecution"
        );
        assert_eq!(error_variant("Throttling.User"), "ThrottlingUser");
        assert_eq!(value_variant("slow_mode").as_deref(), Some("SlowMode"));
        assert_eq!(
            value_variant("ACS:Application.Name").as_deref(),
            Some("AcsApplicationName")
        );
        assert_eq!(value_variant("1"), None);
        assert_eq!(value_variant("unknown"), None);
        assert_eq!(value_variant("self"), None);
        assert!(!is_type_name("Self"));
    }

    #[test]
    fn read_only_actions() {
        assert!(reads_only("ListExecutions"));
        assert!(reads_only("GetTemplate"));
        assert!(reads_only("ValidateTemplateContent"));
        assert!(!reads_only("Listen"));
        assert!(!reads_only("StartExecution"));
        assert!(!reads_only("UpdateTemplate"));
    }
}

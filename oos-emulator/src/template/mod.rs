//! The template language as data: a template's content parsed (JSON or YAML), the names OOS
//! gives its parts, and [`validate`](validate::validate), which refuses what OOS refuses and
//! says where.

mod locate;
pub(crate) mod parameters;
pub(crate) mod validate;

use serde_json::{Map, Value};

pub(crate) use locate::Located;

/// The only `FormatVersion` OOS knows.
pub(crate) const FORMAT_VERSION: &str = "OOS-2019-06-01";

/// The `FormatVersion` of State-type templates, whose `States` replace `Tasks`.
pub(crate) const STATE_FORMAT_VERSION: &str = "OOS-2019-06-01-State";

/// The largest content OOS takes, in bytes.
pub(crate) const MAX_CONTENT: usize = 64 * 1024;

/// The template actions OOS runs itself, in OOS's own spelling; [`builtin`] matches others.
pub(crate) const BUILTIN_ACTIONS: &[&str] = &[
    "ACS::ExecuteAPI",
    "ACS::CheckFor",
    "ACS::WaitFor",
    "ACS::Choice",
    "ACS::Sleep",
    "ACS::Pause",
    "ACS::Approve",
    "ACS::Notify",
    "ACS::Template",
    "ACS::SelectTargets",
    "ACS::TimerTrigger",
    "ACS::EventTrigger",
    "ACS::AlarmTrigger",
    "ACS::TriggerExecution",
    "ACS::GitCodeRepo",
];

/// The parameter types OOS declares.
pub(crate) const PARAMETER_TYPES: &[&str] = &["String", "Number", "Boolean", "List", "Json"];

/// The built-in action `name` stands for, matched as OOS matches it: without regard to case,
/// so that `ACS::ExecuteApi` is `ACS::ExecuteAPI`.
pub(crate) fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN_ACTIONS
        .iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(name.trim()))
}

/// `ACS::<Product>::<Name>`: a cloud product action, defined by a template of that name.
pub(crate) fn is_product_action(name: &str) -> bool {
    let mut parts = name.split("::");
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(acs), Some(product), Some(action), None)
            if acs.eq_ignore_ascii_case("ACS") && is_word(product) && is_word(action)
    )
}

fn is_word(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A template's format, as OOS tells them apart: JSON starts with a brace.
pub(crate) fn is_json(content: &str) -> bool {
    content.trim_start().starts_with('{')
}

/// A template's content as a JSON value, or where it stops parsing.
pub(crate) fn parse(content: &str) -> Result<Value, Located> {
    if is_json(content) {
        serde_json::from_str(content)
            .map_err(|e| Located::at(e.line(), format!("the content is not valid JSON: {e}")))
    } else {
        yaml_serde::from_str(content).map_err(|e| {
            let line = e.location().map_or(0, |l| l.line());
            Located::at(line, format!("the content is not valid YAML: {e}"))
        })
    }
}

/// The template's list of steps: `Tasks`, or for a State-type template its `States`.
pub(crate) fn steps(template: &Value) -> &[Value] {
    template
        .get("Tasks")
        .or_else(|| template.get("States"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The declared parameters, or none when `Parameters` is not a map.
pub(crate) fn parameters(template: &Value) -> Map<String, Value> {
    template
        .get("Parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// `Description` as the template wrote it: text as it is; a language map (`en:`, `zh-cn:`)
/// as its JSON text, the form OOS answers it in.
pub(crate) fn description(template: &Value) -> String {
    match template.get("Description") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// The `{{ ACS::… }}` values OOS provides, matched without regard to case as OOS does.
pub(crate) const BUILTIN_REFERENCES: &[&str] = &[
    "ACS::RegionId",
    "ACS::AccountId",
    "ACS::ExecutionId",
    "ACS::ParentExecutionId",
    "ACS::TaskExecutionId",
    "ACS::TaskName",
    "ACS::TaskAction",
    "ACS::TaskLoopItem",
    "ACS::CurrentUTCTime",
    "ACS::CurrentDate",
    "ACS::CurrentTimestamp",
    "ACS::ExecuteUser",
    "ACS::OOSUtilVersion",
    "ACS::TemplateName",
    "ACS::TemplateVersion",
];

/// The built-in reference `name` stands for, in OOS's spelling.
pub(crate) fn builtin_reference(name: &str) -> Option<&'static str> {
    BUILTIN_REFERENCES
        .iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(name))
}

/// The references (`{{ name }}`) in `text`, trimmed, in order; text after an unclosed `{{`
/// is not one.
pub(crate) fn references(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    found
}

/// The targets of a step that names where to go next: `ACS::END`, `ACS::NEXT` or a task.
pub(crate) const END: &str = "ACS::END";
/// See [`END`].
pub(crate) const NEXT: &str = "ACS::NEXT";

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

/// The deepest nesting of YAML flow collections (`[…]`, `{…}`) read: the YAML parser takes
/// time that grows with its square, and the deserializer refuses far less.
const MAX_FLOW_DEPTH: usize = 1000;

/// The line where `content`'s flow collections nest deeper than [`MAX_FLOW_DEPTH`], if
/// they do: brackets are counted outside quoted text, comments and block scalars.
fn too_deep(content: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    // The indentation of the line that opened a block scalar (`|`, `>`), while in one.
    let mut block: Option<usize> = None;
    for (number, line) in content.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if let Some(opened) = block {
            if line.trim().is_empty() || indent > opened {
                continue;
            }
            block = None;
        }
        let mut previous = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match quote {
                Some('\'') if c == '\'' => {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some('"') if c == '"' => quote = None,
                Some(_) => {}
                None => match c {
                    '\'' | '"' if matches!(previous, ' ' | ':' | '[' | '{' | ',' | '-') => {
                        quote = Some(c);
                    }
                    '#' if previous == ' ' => break,
                    '[' | '{' => {
                        depth += 1;
                        if depth > MAX_FLOW_DEPTH {
                            return Some(number + 1);
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            previous = c;
        }
        if quote.is_none() {
            let end = line
                .trim_end()
                .trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
            if end.ends_with(['|', '>']) {
                block = Some(indent);
            }
        }
    }
    None
}

/// A template's content as a JSON value, or where it stops parsing.
pub(crate) fn parse(content: &str) -> Result<Value, Located> {
    if is_json(content) {
        serde_json::from_str(content)
            .map_err(|e| Located::at(e.line(), format!("the content is not valid JSON: {e}")))
    } else {
        if let Some(line) = too_deep(content) {
            return Err(Located::at(
                line,
                format!("the content is not valid YAML: its flow collections are nested more than {MAX_FLOW_DEPTH} deep"),
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_refused_before_the_yaml_parser_reads_it() {
        // The YAML parser takes time that grows with the square of the nesting: 30,000
        // levels fit in 64 KB and took seconds, under the emulator's lock.
        let deep = format!(
            "FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: a\n    Properties:\n      D: {}{}\n",
            "[".repeat(30_000),
            "]".repeat(30_000)
        );
        let refused = parse(&deep).unwrap_err();
        assert_eq!(refused.line, 5);
        assert!(
            refused.message.contains("nested more than 1000 deep"),
            "{}",
            refused.message
        );
        // Brackets in quoted text and in block text that closes them are no nesting.
        let text = format!(
            "Tasks:\n  - Name: 'a{}'\n    Script: |\n      {}\n      {}\n",
            "[".repeat(2_000),
            "{".repeat(1_500),
            "}".repeat(1_500)
        );
        assert!(parse(&text).is_ok());
    }
}

//! What a template's values mean once a task runs: `{{ references }}` to parameters, task
//! outputs, the parameter store and the `ACS::` built-in values ([`Context`]), the `Fn::`
//! functions ([`functions`]), jq ([`jq`]) and durations ([`duration`]).

pub(crate) mod duration;
mod failure;
pub(crate) mod functions;
pub(crate) mod jq;

pub(crate) use failure::Failure;

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::template::builtin_reference;

/// The version of the OOS utility OOS reports to templates.
const OOS_UTIL_VERSION: &str = "v1.0.0";

/// The built-in values of one execution.
#[derive(Clone, Debug, Default)]
pub(crate) struct Builtins {
    pub region_id: String,
    pub account_id: String,
    pub execution_id: String,
    pub parent_execution_id: String,
    pub execute_user: String,
    pub template_name: String,
    pub template_version: String,
}

/// The task a value is evaluated for.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TaskScope<'a> {
    pub name: &'a str,
    pub action: &'a str,
    pub task_execution_id: &'a str,
    pub loop_item: Option<&'a Value>,
}

/// What references resolve against.
pub(crate) struct Context<'a> {
    /// Whether an output of a task that has not run reads as null (the template's
    /// `Outputs`, which may read tasks a branch left out) rather than failing.
    pub unrun_is_empty: bool,
    /// Every parameter's value: as given, else its `Default` (already evaluated).
    pub parameters: &'a Map<String, Value>,
    /// The outputs of the tasks that ran, by task name.
    pub outputs: &'a Map<String, Value>,
    pub builtins: &'a Builtins,
    pub task: TaskScope<'a>,
    /// The emulated moment of evaluation.
    pub now: OffsetDateTime,
    /// The parameter store, given the whole reference: `oos:name` or `oos-secret:name`.
    pub store: &'a dyn Fn(&str) -> Option<Value>,
}

impl Context<'_> {
    /// `value` evaluated: references substituted, `Fn::` functions applied. A string that is
    /// one reference becomes the referenced value, whatever its type.
    pub fn evaluate(&self, value: &Value) -> Result<Value, Failure> {
        match value {
            Value::String(text) => self.text(text),
            Value::Array(items) => items
                .iter()
                .map(|v| self.evaluate(v))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            Value::Object(map) => {
                if map.len() == 1 {
                    let (name, args) = map.iter().next().expect("one entry");
                    if let Some(result) = functions::call(self, name, args) {
                        // A limit of the emulator names the function itself.
                        return result
                            .map_err(|why| why.reword(|why| format!("{name}: {why}"), |why| why));
                    }
                }
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.evaluate(v)?)))
                    .collect::<Result<Map<_, _>, Failure>>()
                    .map(Value::Object)
            }
            other => Ok(other.clone()),
        }
    }

    fn text(&self, text: &str) -> Result<Value, Failure> {
        let trimmed = text.trim();
        if let Some(inner) = trimmed
            .strip_prefix("{{")
            .and_then(|t| t.strip_suffix("}}"))
        {
            if !inner.contains("{{") && !inner.contains("}}") {
                return self.lookup(inner.trim());
            }
        }
        if !text.contains("{{") {
            return Ok(Value::String(text.to_owned()));
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                // Unclosed: text, as OOS leaves it.
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            out.push_str(&as_text(&self.lookup(after[..end].trim())?));
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }

    /// The value of one reference; names match without regard to case, as in OOS.
    pub fn lookup(&self, name: &str) -> Result<Value, Failure> {
        if let Some(builtin) = builtin_reference(name) {
            return self.builtin(builtin);
        }
        if let Some((_, key)) = name
            .split_once(':')
            .filter(|(store, _)| ["oos", "oos-secret"].contains(store))
        {
            return (self.store)(name).ok_or_else(|| {
                format!("`{{{{ {name} }}}}`: the parameter store has no parameter {key}").into()
            });
        }
        if let Some(value) = find(self.parameters, name) {
            return Ok(value.clone());
        }
        if let Some((task, output)) = name.split_once('.') {
            if let Some(outputs) = find(self.outputs, task) {
                return find_map(outputs, output).cloned().ok_or_else(|| {
                    format!("`{{{{ {name} }}}}`: task {task} has no output {output}").into()
                });
            }
            if self.unrun_is_empty {
                return Ok(Value::Null);
            }
            return Err(format!("`{{{{ {name} }}}}`: task {task} has not run").into());
        }
        Err(
            format!("`{{{{ {name} }}}}` is neither a parameter nor an output of a task that ran")
                .into(),
        )
    }

    fn builtin(&self, name: &str) -> Result<Value, Failure> {
        let b = self.builtins;
        let now = self.now.replace_nanosecond(0).unwrap_or(self.now);
        Ok(match name {
            "ACS::RegionId" => b.region_id.clone().into(),
            "ACS::AccountId" => b.account_id.clone().into(),
            "ACS::ExecutionId" => b.execution_id.clone().into(),
            "ACS::ParentExecutionId" => b.parent_execution_id.clone().into(),
            "ACS::ExecuteUser" => b.execute_user.clone().into(),
            "ACS::TemplateName" => b.template_name.clone().into(),
            "ACS::TemplateVersion" => b.template_version.clone().into(),
            "ACS::OOSUtilVersion" => OOS_UTIL_VERSION.into(),
            "ACS::TaskName" => self.task.name.into(),
            "ACS::TaskAction" => self.task.action.into(),
            "ACS::TaskExecutionId" => self.task.task_execution_id.into(),
            "ACS::CurrentUTCTime" => now.format(&Rfc3339).unwrap_or_default().into(),
            "ACS::CurrentDate" => now.date().to_string().into(),
            "ACS::CurrentTimestamp" => (now.unix_timestamp() * 1000).into(),
            "ACS::TaskLoopItem" => {
                return self
                    .task
                    .loop_item
                    .cloned()
                    .ok_or_else(|| "`{{ ACS::TaskLoopItem }}` is used outside a loop".into())
            }
            // A built-in reference the emulator knows by name but gives no value.
            other => {
                return Err(Failure::unsupported(format!(
                    "`{{{{ {other} }}}}` has no value in the emulator"
                )))
            }
        })
    }
}

fn find<'v>(map: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn find_map<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    value.as_object().and_then(|map| find(map, name))
}

/// A value as it reads within text or a log: strings as they are, the rest as JSON.
pub(crate) fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a condition holds: `true`, or text that says so.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn with<T>(f: impl FnOnce(&Context<'_>) -> T) -> T {
        let parameters = json!({"name": "web", "count": 3, "ids": ["i-1", "i-2"], "on": true})
            .as_object()
            .cloned()
            .unwrap();
        let outputs = json!({"get": {"value": "v1", "list": [1, 2]}})
            .as_object()
            .cloned()
            .unwrap();
        let builtins = Builtins {
            region_id: "cn-hangzhou".into(),
            account_id: "123".into(),
            execution_id: "exec-1".into(),
            execute_user: "root(123)".into(),
            ..Builtins::default()
        };
        let item = json!("i-9");
        let store = |key: &str| (key == "oos:db").then(|| json!("secret"));
        let context = Context {
            unrun_is_empty: false,
            parameters: &parameters,
            outputs: &outputs,
            builtins: &builtins,
            task: TaskScope {
                name: "t",
                action: "ACS::Sleep",
                task_execution_id: "exec-1.t0001",
                loop_item: Some(&item),
            },
            now: time::macros::datetime!(2024-05-01 10:20:30.5 UTC),
            store: &store,
        };
        f(&context)
    }

    #[test]
    fn references_keep_their_type_alone_and_become_text_within_text() {
        with(|c| {
            let got = c
                .evaluate(&json!({
                    "Count": "{{ count }}",
                    "Text": "{{ Name }}-{{count}} in {{ acs::regionid }}",
                    "List": ["{{ get.Value }}", "{{ ACS::TaskLoopItem }}", 7],
                    "Ids": "{{ ids }}",
                    "Ctx": "{{ ACS::ExecutionId }} {{ ACS::TaskExecutionId }} {{ ACS::AccountId }} {{ ACS::ExecuteUser }}",
                    "When": "{{ ACS::CurrentUTCTime }} {{ ACS::CurrentDate }}",
                    "Store": "{{ oos:db }}",
                    "Open": "a {{ name",
                }))
                .unwrap();
            assert_eq!(
                got,
                json!({"Count": 3, "Text": "web-3 in cn-hangzhou", "List": ["v1", "i-9", 7], "Ids": ["i-1", "i-2"],
                       "Ctx": "exec-1 exec-1.t0001 123 root(123)", "When": "2024-05-01T10:20:30Z 2024-05-01",
                       "Store": "secret", "Open": "a {{ name"})
            );
            for (bad, says) in [
                ("{{ nope }}", "neither a parameter"),
                ("{{ get.other }}", "has no output other"),
                ("{{ later.x }}", "task later has not run"),
                ("{{ oos:nope }}", "no parameter nope"),
            ] {
                let error = c.evaluate(&json!(bad)).unwrap_err().to_string();
                assert!(error.contains(says), "{bad}: {error}");
            }
        });
    }

    /// Every built-in reference the templates may name has a value: none meets the limit
    /// that a reference known by name but not given a value would.
    #[test]
    fn every_built_in_reference_has_a_value() {
        with(|c| {
            for name in crate::template::BUILTIN_REFERENCES {
                let got = c.evaluate(&json!(format!("{{{{ {name} }}}}")));
                assert!(got.is_ok(), "{name}: {got:?}");
            }
        });
    }
}

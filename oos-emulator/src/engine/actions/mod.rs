//! The built-in template actions, one module each, and what they share: the [`Call`] of one
//! task (or loop item) with its evaluated properties, and the [`Outcome`] its `Outputs`
//! are selected from.

mod approve;
mod check_for;
mod choice;
mod execute_api;
mod notify;
mod select_targets;
mod sleep;
mod template;
pub(crate) mod triggers;

use std::time::Duration;

use serde_json::{Map, Value};

use super::program::Task;
use super::{Run, STEP};
use crate::eval::{as_text, jq, Failure};
use crate::state::State;

/// One performance of a task's action.
pub(crate) struct Call<'a> {
    pub run: &'a Run,
    pub task: &'a Task,
    /// `Properties`, evaluated.
    pub properties: &'a Value,
    /// The task execution it is recorded as.
    pub record: &'a str,
    /// Emulated time since the execution started.
    pub at: Duration,
}

impl Call<'_> {
    fn property(&self, key: &str) -> Option<&Value> {
        self.properties.get(key).filter(|v| !v.is_null())
    }

    fn text(&self, key: &str) -> Option<String> {
        self.property(key).map(as_text)
    }

    fn stamp(&self) -> String {
        self.run.stamp_at(self.at)
    }
}

/// What an action gave.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Outcome {
    /// What `Outputs` select from.
    pub answer: Value,
    /// A default stub's answer: a selector that finds nothing in it gives an empty value
    /// instead of failing, since the template expects a resource the stub only stands for.
    pub lenient: bool,
    /// Where the flow goes next (`ACS::Choice`).
    pub goto: Option<String>,
    /// A loop item whose `When` does not hold: it did nothing.
    pub skipped: bool,
}

impl Outcome {
    pub fn answer(answer: Value) -> Self {
        Self {
            answer,
            lenient: false,
            goto: None,
            skipped: false,
        }
    }

    fn default_stub(answer: Value) -> Self {
        Self {
            answer,
            lenient: true,
            goto: None,
            skipped: false,
        }
    }
}

/// Performs `call`: its outcome and the emulated time it took.
pub(crate) fn perform(state: &mut State, call: &Call<'_>) -> (Result<Outcome, Failure>, Duration) {
    // Only child templates meet limits of the emulator, and only WaitFor fails for good;
    // every other action's reasons are the template's.
    let failed = |outcome: Result<Outcome, String>| outcome.map_err(Failure::Failed);
    match call.task.builtin {
        Some("ACS::ExecuteAPI") => (failed(execute_api::run(state, call)), STEP),
        Some("ACS::CheckFor") => (check_for::check(state, call, false), STEP),
        Some("ACS::WaitFor") => (check_for::check(state, call, true), STEP),
        Some("ACS::Choice") => (failed(choice::run(call)), Duration::ZERO),
        Some("ACS::Sleep") => {
            let (outcome, takes) = sleep::run(call);
            (failed(outcome), takes)
        }
        Some("ACS::Notify") => (failed(notify::run(state, call)), STEP),
        Some("ACS::Template") => template::run(state, call),
        Some("ACS::SelectTargets") => (failed(select_targets::run(state, call)), STEP),
        Some(
            "ACS::TimerTrigger"
            | "ACS::EventTrigger"
            | "ACS::AlarmTrigger"
            | "ACS::TriggerExecution",
        ) => {
            let (outcome, takes) = triggers::run(state, call);
            (failed(outcome), takes)
        }
        Some("ACS::Approve" | "ACS::Pause") => (failed(approve::run(call)), STEP),
        Some("ACS::GitCodeRepo") => (
            failed(execute_api::stubbed(
                state,
                call,
                "GitCodeRepo",
                "GetRepository",
            )),
            STEP,
        ),
        Some(other) => (Err(Failure::unsupported(other)), STEP),
        None => template::run_product(state, call),
    }
}

/// The task's `Outputs`, selected from the outcome's answer with their `ValueSelector`.
pub(crate) fn outputs(declared: &Map<String, Value>, outcome: &Outcome) -> Result<Value, Failure> {
    let mut outputs = Map::new();
    for (name, declaration) in declared {
        let Some(selector) = declaration.get("ValueSelector").and_then(Value::as_str) else {
            // A child template's outputs are read by name.
            let value = outcome.answer.get(name).cloned().unwrap_or(Value::Null);
            outputs.insert(name.clone(), typed(declaration, value));
            continue;
        };
        let value = match select(&outcome.answer, selector) {
            Ok(value) => value,
            // A lenient answer has nothing to select from; a limit of the emulator still
            // fails the task.
            Err(why) if outcome.lenient && !why.is_unsupported() => Value::Null,
            Err(why) => return Err(why.within(&format!("output {name}"))),
        };
        outputs.insert(name.clone(), typed(declaration, value));
    }
    Ok(Value::Object(outputs))
}

/// What a jq selector picks: its one output, or a list of several, or null for none. OOS
/// takes a selector with its leading `.` left out.
pub(crate) fn select(answer: &Value, selector: &str) -> Result<Value, Failure> {
    let selector = selector.trim();
    let filter = if selector.starts_with(['.', '$', '[', '{'])
        || selector.contains('|') && selector.starts_with('.')
    {
        selector.to_owned()
    } else {
        format!(".{selector}")
    };
    let mut found = jq::run(&filter, answer)?;
    Ok(match found.len() {
        0 => Value::Null,
        1 if !filter.contains("[]") => found.remove(0),
        _ => Value::Array(found),
    })
}

/// `value` as an output of its declared `Type` holds it.
pub(crate) fn typed(declaration: &Value, value: Value) -> Value {
    match (declaration.get("Type").and_then(Value::as_str), value) {
        (Some("String"), Value::Null) => Value::String(String::new()),
        (Some("String"), Value::Array(items)) if items.len() == 1 => {
            Value::String(as_text(&items[0]))
        }
        (Some("String"), value) => Value::String(as_text(&value)),
        (Some("List"), Value::Null) => Value::Array(Vec::new()),
        (Some("List"), Value::Array(items)) => Value::Array(items),
        (Some("List"), value) => Value::Array(vec![value]),
        (Some("Number"), Value::String(text)) => text
            .parse::<f64>()
            .map_or(Value::String(text.clone()), |n| serde_json::json!(n)),
        (Some("Boolean"), Value::String(text)) => Value::Bool(text.eq_ignore_ascii_case("true")),
        (_, value) => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_are_jq_and_outputs_take_their_type() {
        let answer = json!({"Instances": {"Instance": [{"InstanceId": "i-1", "OSType": "linux"}]}, "Count": 1});
        assert_eq!(
            select(&answer, "Instances.Instance[].InstanceId").unwrap(),
            json!(["i-1"])
        );
        assert_eq!(select(&answer, ".Count").unwrap(), json!(1));
        assert_eq!(
            select(&answer, ".Instances.Instance[] | {\"id\": .InstanceId}").unwrap(),
            json!([{"id": "i-1"}])
        );
        assert_eq!(select(&answer, ".Nope").unwrap(), Value::Null);
        assert!(select(&answer, ".Nope[]").is_err());
        assert_eq!(
            typed(&json!({"Type": "String"}), json!(["i-1"])),
            json!("i-1")
        );
        assert_eq!(typed(&json!({"Type": "List"}), Value::Null), json!([]));
        assert_eq!(typed(&json!({"Type": "Number"}), json!("2")), json!(2.0));
        let task = Task {
            keys: json!({"Outputs": {"ids": {"Type": "List", "ValueSelector": ".A.B[]"}}})
                .as_object()
                .cloned()
                .unwrap(),
            ..Task::default()
        };
        let task = task.outputs();
        assert!(outputs(&task, &Outcome::answer(json!({"RequestId": "r"})))
            .unwrap_err()
            .to_string()
            .contains("output ids"));
        assert_eq!(
            outputs(&task, &Outcome::default_stub(json!({"RequestId": "r"}))).unwrap(),
            json!({"ids": []})
        );
    }
}

//! A template's content as the engine runs it: its parameters, its tasks (or a State-type
//! template's states) in order, and its outputs. Content reaches the engine validated, save
//! templates loaded from `Data`; what is wrong there fails the execution with the reason.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::template::{self, builtin};

/// The most characters of a task's name or action kept in records and logs.
const MAX_NAME: usize = 200;

/// A template's content, ready to run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Program {
    /// The declared parameters, for their `Default`.
    pub parameters: Map<String, Value>,
    /// Shared with the run's task in progress, which holds its task while it runs.
    pub tasks: Vec<Arc<Task>>,
    /// The template's `Outputs`: name → declaration with `Value`.
    pub outputs: Map<String, Value>,
}

/// One task of a template.
#[derive(Clone, Debug, Default)]
pub(crate) struct Task {
    pub name: String,
    /// The action as written (records show it so).
    pub action: String,
    /// The built-in action it is, in OOS's spelling; `None` for `ACS::<Product>::<Name>`.
    pub builtin: Option<&'static str>,
    /// The whole task, for its keys: `Properties`, `Outputs`, `Loop`, `When`, `OnError`,
    /// `OnSuccess`, `Retries`, `Delay`, …
    pub keys: Map<String, Value>,
    /// Why the task cannot run, if it cannot.
    pub problem: Option<String>,
}

impl Task {
    pub fn key(&self, key: &str) -> Option<&Value> {
        self.keys.get(key).filter(|v| !v.is_null())
    }

    /// `Properties`, an empty map when the task has none; borrowed, as a task's properties
    /// are read at each start and each loop item.
    pub fn properties(&self) -> Cow<'_, Value> {
        self.key("Properties")
            .map_or_else(|| Cow::Owned(Value::Object(Map::new())), Cow::Borrowed)
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        self.key(key).and_then(Value::as_str)
    }

    /// `Outputs`: name → declaration with `ValueSelector`.
    pub fn outputs(&self) -> Map<String, Value> {
        self.key("Outputs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }
}

impl Program {
    /// Reads a template's parsed content; `Err` says why it cannot run at all.
    pub fn read(parsed: &Value) -> Result<Self, String> {
        if !parsed.is_object() {
            return Err("the template is not a map".into());
        }
        let steps = template::steps(parsed);
        if steps.is_empty() {
            return Err("the template has no Tasks".into());
        }
        let states = parsed.get("Tasks").is_none();
        let tasks = steps
            .iter()
            .enumerate()
            .map(|(i, step)| Arc::new(Task::read(i, step, states)))
            .collect();
        Ok(Self {
            parameters: template::parameters(parsed),
            tasks,
            outputs: parsed
                .get("Outputs")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// The index of the task named `name`, matched as OOS matches names.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.name == name).or_else(|| {
            self.tasks
                .iter()
                .position(|t| t.name.eq_ignore_ascii_case(name))
        })
    }
}

impl Task {
    fn read(index: usize, step: &Value, state: bool) -> Self {
        let keys = step.as_object().cloned().unwrap_or_default();
        let text = |key: &str| {
            keys.get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(MAX_NAME)
                .collect::<String>()
        };
        let mut name = text("Name");
        let mut action = text("Action");
        if state && action.is_empty() {
            // A state without an action applies its resource type: it waits as a pause.
            action = "ACS::Pause".into();
        }
        let problem = match step.as_object() {
            None => Some(format!("task {} is not a map", index + 1)),
            Some(_) if name.is_empty() && !state => Some(format!("task {} has no Name", index + 1)),
            Some(_) if action.is_empty() => Some(format!("task {name} has no Action")),
            Some(_) if builtin(&action).is_none() && !template::is_product_action(&action) => {
                Some(format!("task {name}: unknown action {action}"))
            }
            Some(_) => None,
        };
        if name.is_empty() {
            name = if state {
                template::validate::unnamed_state(index)
            } else {
                // Only a placeholder: the task fails with its problem before anything reads it.
                format!("task{}", index + 1)
            };
        }
        Self {
            builtin: builtin(&action),
            name,
            action,
            keys,
            problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `content` parsed and read, as `StartExecution` hands it to the engine.
    fn read(content: &str) -> Result<Program, String> {
        let parsed = template::parse(content).map_err(|at| at.to_string())?;
        Program::read(&parsed)
    }

    #[test]
    fn reads_tasks_and_keeps_what_cannot_run() {
        let program = read(
            "Parameters:\n  n:\n    Type: Number\n    Default: 2\nTasks:\n  - Name: a\n    Action: ACS::ExecuteApi\n  - Name: b\n  - Action: ACS::Sleep\n  - Name: d\n    Action: ACS::ECS::RunCommand\n    OnError: ACS::END\n  - Name: e\n    Action: ACS::Nope\nOutputs:\n  o:\n    Type: String\n    Value: x\n",
        )
        .unwrap();
        assert_eq!(program.parameters["n"]["Default"], 2);
        assert_eq!(program.tasks[0].builtin, Some("ACS::ExecuteAPI"));
        assert_eq!(
            program.tasks[1].problem.as_deref(),
            Some("task b has no Action")
        );
        assert_eq!(program.tasks[2].name, "task3");
        assert_eq!(
            (
                program.tasks[3].builtin,
                program.tasks[3].problem.as_deref()
            ),
            (None, None)
        );
        assert_eq!(program.tasks[3].text("OnError"), Some("ACS::END"));
        assert_eq!(
            program.tasks[4].problem.as_deref(),
            Some("task e: unknown action ACS::Nope")
        );
        assert_eq!(program.position("D"), Some(3));
        assert!(program.outputs.contains_key("o"));
        assert!(read("{").is_err());
        assert!(read("{}").unwrap_err().contains("Tasks"));
        let states = read("States:\n  - ResourceType: x\n").unwrap();
        assert_eq!(
            (states.tasks[0].name.as_str(), states.tasks[0].builtin),
            ("state1", Some("ACS::Pause"))
        );
    }
}

//! A template's content as the runner reads it: its parameters, its tasks in order and its
//! outputs. Reading never fails: what cannot be run is kept as the reason, and the task (or
//! the execution) fails with it when its turn comes.

use serde_json::{Map, Value};

use crate::data::model::parse_content;

/// The most characters of a task's name or action kept in records and logs.
const MAX_NAME: usize = 200;

/// The actions the runner runs.
const RUNNABLE: &[&str] = &[
    "ACS::Sleep",
    "ACS::Approve",
    "ACS::ExecuteAPI",
    "ACS::CheckFor",
];

/// The keys of a task the runner honours.
const TASK_KEYS: &[&str] = &[
    "Name",
    "Action",
    "Description",
    "Properties",
    "Outputs",
    "Loop",
];

/// A template's content, ready to run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Program {
    /// The declared parameters, for their defaults.
    pub parameters: Map<String, Value>,
    pub tasks: Vec<Task>,
    /// The template's `Outputs`: name → declaration with `Value`.
    pub outputs: Map<String, Value>,
}

/// One task of a template.
#[derive(Clone, Debug, Default)]
pub(crate) struct Task {
    pub name: String,
    pub action: String,
    pub properties: Value,
    /// `Outputs`: name → declaration with `ValueSelector`.
    pub outputs: Map<String, Value>,
    /// `Loop`, if the task runs once per item.
    pub looping: Option<Value>,
    /// Why the task cannot run, if it cannot.
    pub problem: Option<String>,
}

impl Program {
    /// Reads `content`; `Err` says why it cannot run at all.
    pub fn read(content: &str) -> Result<Self, String> {
        let parsed = parse_content(content)
            .ok_or("the template content is neither valid JSON nor valid YAML")?;
        let object = |key: &str| {
            parsed
                .get(key)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let tasks = parsed
            .get("Tasks")
            .and_then(Value::as_array)
            .ok_or("the template has no list of Tasks")?
            .iter()
            .enumerate()
            .map(|(i, task)| Task::read(i, task))
            .collect();
        Ok(Self {
            parameters: object("Parameters"),
            tasks,
            outputs: object("Outputs"),
        })
    }
}

impl Task {
    fn read(index: usize, task: &Value) -> Self {
        let text = |key: &str| {
            task.get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(MAX_NAME)
                .collect::<String>()
        };
        let name = text("Name");
        let action = text("Action");
        let problem = match task.as_object() {
            None => Some(format!("task {} is not an object", index + 1)),
            Some(_) if name.is_empty() => Some(format!("task {} has no Name", index + 1)),
            Some(_) if action.is_empty() => Some(format!("task {name} has no Action")),
            // Known before the task starts, so that a loop of it fails with this reason
            // rather than with the count of its items that failed.
            Some(_) if !RUNNABLE.contains(&action.as_str()) => Some(cannot_run(&action)),
            Some(map) if action == "ACS::Approve" && map.contains_key("Loop") => {
                Some("the emulator does not run ACS::Approve in a loop".to_owned())
            }
            Some(map) => map
                .keys()
                .find(|k| !TASK_KEYS.contains(&k.as_str()))
                .map(|k| format!("the emulator does not run tasks with `{k}`")),
        };
        let name = if name.is_empty() {
            format!("task{}", index + 1)
        } else {
            name
        };
        let outputs = task
            .get("Outputs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        Self {
            name,
            action,
            properties: task.get("Properties").cloned().unwrap_or(Value::Null),
            outputs,
            looping: task.get("Loop").cloned(),
            problem,
        }
    }
}

/// Why a task of `action` fails: the emulator does not run it.
pub(super) fn cannot_run(action: &str) -> String {
    format!(
        "the emulator cannot run {action}: it runs ACS::Sleep, ACS::Approve, ACS::ExecuteAPI and ACS::CheckFor"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tasks_and_keeps_what_cannot_run() {
        let program = Program::read(
            "Parameters:\n  n:\n    Type: Number\n    Default: 2\nTasks:\n  - Name: a\n    Action: ACS::Sleep\n    Properties:\n      Duration: PT1S\n  - Name: b\n  - Action: ACS::Sleep\n  - Name: c\n    Action: ACS::Sleep\n    OnError: ACS::END\n  - Name: d\n    Action: ACS::ECS::RunCommand\nOutputs:\n  o:\n    Type: String\n    Value: x\n",
        )
        .unwrap();
        assert_eq!(program.parameters["n"]["Default"], 2);
        assert_eq!(program.tasks.len(), 5);
        assert_eq!(program.tasks[0].problem, None);
        assert_eq!(program.tasks[0].properties["Duration"], "PT1S");
        assert_eq!(
            program.tasks[1].problem.as_deref(),
            Some("task b has no Action")
        );
        assert_eq!(program.tasks[2].name, "task3");
        assert_eq!(
            program.tasks[3].problem.as_deref(),
            Some("the emulator does not run tasks with `OnError`")
        );
        assert!(program.tasks[4]
            .problem
            .as_deref()
            .is_some_and(|p| p.starts_with("the emulator cannot run ACS::ECS::RunCommand")));
        assert!(program.outputs.contains_key("o"));
        assert!(Program::read("{").is_err());
        assert!(Program::read("{}").unwrap_err().contains("Tasks"));
    }
}

//! What a run writes as it goes: its task executions (one per task, and one per loop item),
//! its log entries, and the counters of its tasks by status, each stamped with the emulated
//! moment it happened at.

use std::time::Duration;

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::program::Task;
use super::Run;
use crate::data::model::{Execution, TaskExecution};
use crate::eval::as_text;
use crate::state::State;

impl Run {
    pub(super) fn stamp_at(&self, at: Duration) -> String {
        let when = self.moment(at);
        when.replace_nanosecond(0)
            .unwrap_or(when)
            .format(&Rfc3339)
            .unwrap_or_default()
    }

    pub(super) fn moment(&self, at: Duration) -> OffsetDateTime {
        time::Duration::try_from(at)
            .ok()
            .and_then(|d| self.started_wall.checked_add(d))
            .unwrap_or(self.started_wall)
    }

    pub(super) fn stamp(&self) -> String {
        self.stamp_at(self.at)
    }

    pub(super) fn log(&self, state: &mut State, message: String, task: Option<&str>) {
        self.log_at(state, self.at, message, task);
    }

    pub(super) fn log_at(
        &self,
        state: &mut State,
        when: Duration,
        message: String,
        task: Option<&str>,
    ) {
        let at = self.stamp_at(when);
        let mut entry = json!({"Timestamp": at, "Message": message});
        if let (Some(task), Some(map)) = (task, entry.as_object_mut()) {
            map.insert("TaskExecutionId".into(), task.into());
        }
        if let Some(execution) = self.execution(state) {
            execution.push_log(entry);
            execution.update_date = at;
        }
    }

    /// A new task execution, numbered after the last.
    pub(super) fn record(
        &self,
        state: &mut State,
        task: &Task,
        parent: &str,
        item: Option<&Value>,
    ) -> String {
        let at = self.stamp();
        let Some(execution) = self.execution(state) else {
            return String::new();
        };
        let id = format!(
            "{}.t{:04}",
            self.execution_id,
            execution.task_executions.len() + 1
        );
        execution.task_executions.push(TaskExecution {
            task_execution_id: id.clone(),
            execution_id: self.execution_id.clone(),
            task_name: task.name.clone(),
            task_action: task.action.clone(),
            status: "Running".into(),
            properties: task.properties().to_string(),
            outputs: "{}".into(),
            create_date: at.clone(),
            start_date: at.clone(),
            update_date: at,
            parent_task_execution_id: parent.to_owned(),
            loop_item: item.map(as_text).unwrap_or_default(),
            template_id: execution.template_id.clone(),
            ..TaskExecution::default()
        });
        id
    }

    /// Ends a task execution with `status`.
    pub(super) fn settle(
        &self,
        state: &mut State,
        record: &str,
        status: &str,
        message: &str,
        outputs: Option<&Value>,
    ) {
        let at = self.stamp();
        let total = self.program.tasks.len();
        let Some(execution) = self.execution(state) else {
            return;
        };
        // The task ending is among the newest; only the tasks of the template count, not
        // a loop's items, so an item's end changes no counter.
        let Some(task) = execution
            .task_executions
            .iter_mut()
            .rev()
            .find(|t| t.task_execution_id == record)
        else {
            return;
        };
        let was = std::mem::replace(&mut task.status, status.to_owned());
        task.status_message = message.to_owned();
        if let Some(outputs) = outputs {
            task.outputs = outputs.to_string();
        }
        task.end_date.clone_from(&at);
        task.update_date = at;
        if task.parent_task_execution_id.is_empty() {
            tally(execution, total, Some(&was), status);
        }
    }
}

/// Sets the execution's `Total` (the template's number of tasks) and moves one top-level task
/// execution's count from status `from` (none for a new one) to `to`, through
/// [`Execution::tally`], the one place counts move.
pub(super) fn tally(execution: &mut Execution, total: usize, from: Option<&str>, to: &str) {
    execution.count_total(total);
    execution.tally(from, to);
}

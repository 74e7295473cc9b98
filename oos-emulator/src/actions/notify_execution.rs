//! `NotifyExecution`: a decision or a signal sent to an execution that has not finished.
//!
//! `Approve` takes a `Waiting` execution back to `Running` (a running `ACS::Approve` task
//! completes); `Reject` fails it;
//! `CompleteExecution` ends it with `ExecutionStatus` (`Success` by default). Every other
//! type is logged against the execution, for the task it names.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::notify_execution as p;
use crate::state::State;

const FINAL_STATUSES: &[&str] = &["Success", "Failed", "Cancelled"];

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request.required(p::EXECUTION_ID)?;
    let kind = request.required(p::NOTIFY_TYPE)?;
    let note = request.limited(p::NOTIFY_NOTE, 1024)?;
    let final_status = request.str(p::EXECUTION_STATUS).unwrap_or("Success");
    if kind == "CompleteExecution" && !FINAL_STATUSES.contains(&final_status) {
        return Err(ApiError::invalid_parameter(
            p::EXECUTION_STATUS.as_str(),
            "it must be Success, Failed or Cancelled",
        ));
    }
    let task_id = request.str(p::TASK_EXECUTION_ID);
    let at = crate::engine::timestamp(state, id);
    let execution = state
        .data
        .execution_mut(id)
        .ok_or_else(|| ApiError::execution_not_found(id))?;
    if !execution.is_unfinished() {
        return Err(ApiError::invalid_status(id, &execution.status, "notified"));
    }
    if let Some(task_id) = task_id {
        if !execution
            .task_executions
            .iter()
            .any(|t| t.task_execution_id == task_id)
        {
            return Err(ApiError::not_found(
                "TaskExecution",
                "task execution",
                task_id,
            ));
        }
    }
    let mut approved = false;
    match kind {
        "Approve" if execution.status == "Waiting" => {
            execution.status = "Running".to_owned();
            approved = true;
        }
        "Reject" => execution.end("Failed", "The execution was rejected.", &at),
        "CompleteExecution" => execution.end(
            final_status,
            "The execution was completed by a notification.",
            &at,
        ),
        _ => {}
    }
    execution.update_date = at.clone();
    let mut log = Map::new();
    log.insert("Timestamp".into(), at.into());
    log.insert(
        "Message".into(),
        match note {
            Some(note) => format!("Notified {kind}: {note}"),
            None => format!("Notified {kind}."),
        }
        .into(),
    );
    if let Some(task_id) = task_id {
        log.insert("TaskExecutionId".into(), task_id.into());
    }
    execution.push_log(Value::Object(log));
    let ended = !execution.is_unfinished();
    if approved {
        crate::engine::approve(state, id);
    }
    if ended {
        crate::engine::stop(state, &[id.to_owned()]);
    }
    Ok(Answer::new())
}

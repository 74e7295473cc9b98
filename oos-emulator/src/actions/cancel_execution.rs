//! `CancelExecution`: stops an execution that has not finished.

use serde_json::json;

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::state::State;

/// Cancelling a cancelled execution succeeds again, so that a retried call does not fail;
/// cancelling one that succeeded or failed is `InvalidStatus.Execution`.
pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request.required("ExecutionId")?;
    let at = crate::runner::timestamp(state, id);
    let execution = state
        .data
        .execution_mut(id)
        .ok_or_else(|| ApiError::execution_not_found(id))?;
    if execution.status == "Cancelled" {
        return Ok(Answer::new());
    }
    if !execution.is_unfinished() {
        return Err(ApiError::invalid_status(id, &execution.status, "cancelled"));
    }
    execution.status = "Cancelled".into();
    execution.status_message = "The execution was cancelled.".into();
    execution.end_date = at.clone();
    execution.update_date = at.clone();
    if let Some(counters) = execution.counters.as_mut() {
        // Tasks that had not finished count as cancelled now.
        let settled = |name: &str| matches!(name, "Total" | "Success" | "Failed");
        let unfinished = counters
            .iter()
            .filter(|(name, _)| !settled(name))
            .fold(0i32, |sum, (_, n)| sum.saturating_add(*n));
        counters.retain(|name, _| settled(name));
        if unfinished > 0 {
            counters.insert("Cancelled".into(), unfinished);
        }
    }
    execution.current_tasks.clear();
    for task in &mut execution.task_executions {
        if crate::data::model::UNFINISHED.contains(&task.status.as_str()) {
            task.status = "Cancelled".into();
            task.end_date = at.clone();
            task.update_date = at.clone();
        }
    }
    execution.push_log(json!({
        "Timestamp": at,
        "Message": "Execution cancelled.",
    }));
    Ok(Answer::new())
}

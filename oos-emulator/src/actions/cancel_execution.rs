//! `CancelExecution`: stops an execution that has not finished.

use http::StatusCode;

use super::{ActionRequest, Answer, State};
use crate::data::model::now;
use crate::error::ApiError;

pub(super) fn execution_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "EntityNotExists.Execution",
        format!("The specific execution {id} does not exist."),
    )
}

/// An execution in a status that does not allow what was asked.
pub(super) fn invalid_status(id: &str, status: &str, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "InvalidStatus.Execution",
        format!("The execution {id} is {status} and cannot be {what}."),
    )
}

/// Cancelling a cancelled execution succeeds again, so that a retried call does not fail;
/// cancelling one that succeeded or failed is `InvalidStatus.Execution`.
pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request.required("ExecutionId")?;
    let execution = state
        .data
        .execution_mut(id)
        .ok_or_else(|| execution_not_found(id))?;
    if execution.status == "Cancelled" {
        return Ok(Answer::new());
    }
    if !execution.is_unfinished() {
        return Err(invalid_status(id, &execution.status, "cancelled"));
    }
    let at = now();
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
    if execution.logs.len() < super::start_execution::MAX_LOGS {
        execution.logs.push(serde_json::json!({
            "Timestamp": at,
            "Message": "Execution cancelled.",
        }));
    }
    Ok(Answer::new())
}

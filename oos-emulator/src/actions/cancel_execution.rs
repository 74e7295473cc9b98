//! `CancelExecution`: stops an execution that has not finished.

use serde_json::json;

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::cancel_execution as p;
use crate::state::State;

/// Cancelling a cancelled execution succeeds again, so that a retried call does not fail;
/// cancelling one that succeeded or failed is `InvalidStatus.Execution`.
pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request.required(p::EXECUTION_ID)?;
    let at = crate::engine::timestamp(state, id);
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
    execution.end("Cancelled", "The execution was cancelled.", &at);
    execution.push_log(json!({
        "Timestamp": at,
        "Message": "Execution cancelled.",
    }));
    crate::engine::stop(state, &[id.to_owned()]);
    Ok(Answer::new())
}

//! `TriggerExecution`: sends a message body to the trigger task of a running event-, alarm-
//! or timer-triggered execution, which starts a child execution of the tasks after it, as
//! OOS documents. `Content` is the event the trigger task's `Outputs` select from; without
//! it, the trigger gets an event made from its own properties. A timer fires once more, its
//! schedule unchanged.

use serde_json::Value;

use crate::engine::firing::{self, Firing};
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::trigger_execution as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request.required(p::EXECUTION_ID)?;
    let kind = request.required(p::TYPE)?;
    let firing = Firing::parse(kind).ok_or_else(|| {
        ApiError::invalid_parameter(p::TYPE.as_str(), "it must be Event, Alarm or Timer")
    })?;
    let content = request
        .str(p::CONTENT)
        .map(serde_json::from_str::<Value>)
        .transpose()
        .map_err(|_| ApiError::invalid_parameter(p::CONTENT.as_str(), "it must be JSON"))?;
    let status = state
        .data
        .execution(id)
        .map(|e| e.status.clone())
        .ok_or_else(|| ApiError::execution_not_found(id))?;
    firing::deliver(state, firing, Some(id), content.as_ref()).map_err(|why| {
        ApiError::invalid_status(id, &status, &format!("triggered with Type {kind}: {why}"))
    })?;
    Ok(Answer::new())
}

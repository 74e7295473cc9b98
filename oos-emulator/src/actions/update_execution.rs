//! `UpdateExecution`: an execution's parameters, description, tags or resource group.

use serde_json::{Map, Value};

use crate::data::model::now;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::update_execution as p;
use crate::state::State;

const MAX_TEXT: usize = 1024;
const MAX_JSON: usize = 8 * 1024;

/// What is sent replaces what the execution had; parameters are merged, as OOS updates
/// only the ones named. A finished execution cannot change.
pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request.required(p::EXECUTION_ID)?;
    let parameters = match request.limited(p::PARAMETERS, MAX_JSON)? {
        None => None,
        Some(text) => Some(
            serde_json::from_str::<Map<String, Value>>(text).map_err(|_| {
                ApiError::invalid_parameter(p::PARAMETERS.as_str(), "it must be a JSON object")
            })?,
        ),
    };
    let tags = request.tags(p::TAGS)?;
    let description = request.limited(p::DESCRIPTION, MAX_TEXT)?;
    let group = request.limited(p::RESOURCE_GROUP_ID, MAX_TEXT)?;
    let execution = state
        .data
        .execution_mut(id)
        .ok_or_else(|| ApiError::execution_not_found(id))?;
    if parameters.is_some() && !execution.is_unfinished() {
        return Err(ApiError::invalid_status(
            id,
            &execution.status,
            "given new parameters",
        ));
    }
    if let Some(parameters) = parameters {
        execution.parameters.extend(parameters);
    }
    if let Some(tags) = tags {
        execution.tags = tags;
    }
    if let Some(description) = description {
        execution.description = description.to_owned();
    }
    if let Some(group) = group {
        execution.resource_group_id = group.to_owned();
    }
    execution.update_date = now();
    Ok(Answer::new())
}

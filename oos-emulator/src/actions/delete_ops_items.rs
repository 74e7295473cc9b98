//! `DeleteOpsItems`: removes OpsItems, all of those named or none.

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let ids = request
        .string_list("OpsItemIds")?
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| ApiError::missing_parameter("OpsItemIds"))?;
    state
        .ops_items
        .remove_all(&ids)
        .map_err(|missing| ApiError::not_found("OpsItem", "OpsItem", &missing))?;
    Ok(request.shaped(Answer::new()))
}

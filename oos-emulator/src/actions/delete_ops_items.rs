//! `DeleteOpsItems`: removes OpsItems, all of those named or none.

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::delete_ops_items as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let ids = request
        .string_list(p::OPS_ITEM_IDS)?
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| ApiError::missing_parameter(p::OPS_ITEM_IDS.as_str()))?;
    state
        .ops_items
        .remove_all(&ids)
        .map_err(|missing| ApiError::not_found("OpsItem", "OpsItem", &missing))?;
    Ok(request.shaped(Answer::new()))
}

//! `GetOpsItem`: one OpsItem, by ID.

use serde_json::Value;

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::get_ops_item as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request.required(p::OPS_ITEM_ID)?;
    let record = state
        .ops_items
        .get(id)
        .ok_or_else(|| ApiError::not_found("OpsItem", "OpsItem", id))?;
    let mut answer = Answer::new();
    answer.insert("OpsItem".into(), Value::Object(record.clone()));
    Ok(request.shaped(answer))
}

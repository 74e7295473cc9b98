//! `ListTemplateVersions`: a template's versions, newest first, a page at a time.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_template_versions as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let name = request.required(p::TEMPLATE_NAME)?;
    let template = state
        .data
        .template(name)
        .ok_or_else(|| ApiError::template_not_found(name))?;
    let versions: Vec<_> = template.versions.iter().rev().collect();
    Ok(paging.list(state, request, &versions, |v| {
        serde_json::to_value(v).unwrap_or(Value::Null)
    }))
}

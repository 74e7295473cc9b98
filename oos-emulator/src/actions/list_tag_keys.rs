//! `ListTagKeys`: the tag keys in use on resources of a type (of every type when none is
//! named), sorted, a page at a time.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::data::tags::Resource;
use crate::error::ApiError;
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_tag_keys as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let kinds = Resource::listed(request.str(p::RESOURCE_TYPE))?;
    let keys: BTreeSet<&str> = kinds
        .iter()
        .flat_map(|kind| state.data.tagged(*kind))
        .flat_map(|(_, tags)| tags.keys().map(String::as_str))
        .collect();
    let keys: Vec<&str> = keys.into_iter().collect();
    Ok(paging.list(state, request, &keys, |v| Value::from(*v)))
}

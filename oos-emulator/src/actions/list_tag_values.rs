//! `ListTagValues`: the values a tag key has on resources of a type (of every type when
//! none is named), sorted, a page at a time.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::data::tags::Resource;
use crate::error::ApiError;
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_tag_values as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let kinds = Resource::listed(request.str(p::RESOURCE_TYPE))?;
    let key = request.str(p::KEY);
    let values: BTreeSet<&str> = kinds
        .iter()
        .flat_map(|kind| state.data.tagged(*kind))
        .flat_map(|(_, tags)| {
            tags.iter()
                .filter(|(k, _)| key.is_none_or(|key| k.as_str() == key))
                .map(|(_, v)| v.as_str())
        })
        .collect();
    let values: Vec<&str> = values.into_iter().collect();
    Ok(paging.list(state, request, &values, |v| Value::from(*v)))
}

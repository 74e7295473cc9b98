//! `ListTagResources`: one line per tag of the resources of a type (those named, or those
//! with every tag asked for), a page at a time.

use serde_json::{json, Value};

use crate::data::tags::Resource;
use crate::error::ApiError;
use crate::query::filters::has_tags;
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_tag_resources as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let kinds = Resource::listed(Some(request.required(p::RESOURCE_TYPE)?))?;
    let ids = request.string_list(p::RESOURCE_IDS)?;
    let wanted = request.string_map(p::TAGS)?;
    let items: Vec<Value> = kinds
        .iter()
        .flat_map(|kind| {
            state
                .data
                .tagged(*kind)
                .into_iter()
                .map(move |(id, tags)| (*kind, id, tags))
        })
        .filter(|(_, id, tags)| {
            ids.as_ref().is_none_or(|ids| ids.iter().any(|i| i == *id))
                && has_tags(tags, wanted.as_ref())
        })
        .flat_map(|(kind, id, tags)| {
            tags.iter().map(move |(key, value)| {
                json!({
                    "ResourceType": kind.wire(),
                    "ResourceId": id,
                    "TagKey": key,
                    "TagValue": value,
                })
            })
        })
        .collect();
    Ok(paging.list(state, request, &items, Value::clone))
}

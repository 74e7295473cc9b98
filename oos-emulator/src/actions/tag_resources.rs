//! `TagResources`: tags added to (or changed on) resources, all or none.

use crate::data::tags::Resource;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer, MAX_TAGS};
use crate::spec::params::tag_resources as p;
use crate::state::State;

const MAX_IDS: usize = 50;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let ids = request.string_list(p::RESOURCE_IDS)?.unwrap_or_default();
    if ids.is_empty() || ids.len() > MAX_IDS {
        return Err(ApiError::invalid_parameter(
            p::RESOURCE_IDS.as_str(),
            "it must name 1 to 50 resources",
        ));
    }
    let resource = Resource::parse(
        request.required(p::RESOURCE_TYPE)?,
        ids.first().map(String::as_str),
    )?;
    let tags = request.string_map(p::TAGS)?.unwrap_or_default();
    if tags.is_empty() || tags.len() > MAX_TAGS {
        return Err(ApiError::invalid_parameter(
            p::TAGS.as_str(),
            "it must have 1 to 20 pairs",
        ));
    }
    for id in &ids {
        let existing = state
            .data
            .tags_mut(resource, id)
            .ok_or_else(|| resource.not_found(id))?;
        let merged = existing
            .keys()
            .chain(tags.keys())
            .collect::<std::collections::BTreeSet<_>>();
        if merged.len() > MAX_TAGS {
            return Err(ApiError::invalid_parameter(
                p::TAGS.as_str(),
                &format!("{id} would have more than 20 tags"),
            ));
        }
    }
    for id in &ids {
        if let Some(existing) = state.data.tags_mut(resource, id) {
            existing.extend(tags.clone());
        }
    }
    Ok(Answer::new())
}

//! `UntagResources`: tags removed from resources, the keys named or `All`.

use crate::data::tags::Resource;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::untag_resources as p;
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
    let keys = request.string_list(p::TAG_KEYS)?;
    let all = request.bool(p::ALL).unwrap_or(false);
    if keys.is_none() && !all {
        return Err(ApiError::missing_parameter(p::TAG_KEYS.as_str()));
    }
    for id in &ids {
        if state.data.tags_mut(resource, id).is_none() {
            return Err(resource.not_found(id));
        }
    }
    for id in &ids {
        if let Some(tags) = state.data.tags_mut(resource, id) {
            match (&keys, all) {
                (_, true) => tags.clear(),
                (Some(keys), false) => tags.retain(|k, _| !keys.contains(k)),
                (None, false) => {}
            }
        }
    }
    Ok(Answer::new())
}

//! `UpdateParameter` and `UpdateSecretParameter`: a new version of a parameter's value;
//! the earlier versions stay readable.

use serde_json::Value;

use crate::data::model::{executed_by, now};
use crate::data::parameter::{ParameterVersion, Store};
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::update_parameter as p;
use crate::state::State;

/// The most versions kept of one parameter, as OOS keeps.
const MAX_VERSIONS: usize = 100;
const MAX_VALUE: usize = 4096;

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    store: Store,
) -> Result<Answer, ApiError> {
    let name = request.required(p::NAME)?;
    let value = request.required(p::VALUE)?;
    if value.chars().count() > MAX_VALUE {
        return Err(ApiError::invalid_parameter(
            p::VALUE.as_str(),
            "it must be 1 to 4096 characters long",
        ));
    }
    let tags = request.tags(p::TAGS)?;
    let description = request.limited(p::DESCRIPTION, 200)?;
    let group = request.limited(p::RESOURCE_GROUP_ID, 200)?;
    let stored = match store {
        Store::Common => value.to_owned(),
        Store::Secret => state.vault.seal(value).ok_or_else(|| {
            ApiError::invalid_parameter(p::VALUE.as_str(), "it cannot be encrypted")
        })?,
    };
    let parameter = state
        .data
        .parameters_mut(store)
        .get_mut(name)
        .ok_or_else(|| ApiError::parameter_not_found(name))?;
    if parameter.versions.len() >= MAX_VERSIONS {
        return Err(ApiError::quota_exceeded(
            "ParameterVersion",
            format!("A parameter keeps at most {MAX_VERSIONS} versions."),
        ));
    }
    let version = parameter
        .current()
        .map_or(0, |v| v.version)
        .saturating_add(1);
    parameter.versions.push(ParameterVersion {
        version,
        value: stored,
        updated_by: executed_by(),
        updated_date: now(),
    });
    if let Some(tags) = tags {
        parameter.tags = tags;
    }
    if let Some(description) = description {
        parameter.description = description.to_owned();
    }
    if let Some(group) = group {
        parameter.resource_group_id = group.to_owned();
    }
    let mut answer = Answer::new();
    if let Some(current) = parameter.current() {
        answer.insert(
            "Parameter".into(),
            Value::Object(parameter.record(current, None)),
        );
    }
    Ok(request.shaped(answer))
}

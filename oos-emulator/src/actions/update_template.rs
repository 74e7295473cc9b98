//! `UpdateTemplate`: a new version of a private template; the earlier ones stay readable.

use serde_json::Value;

use crate::data::model::{content_format, executed_by, now};
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::update_template as p;
use crate::state::State;
use crate::template::description;

/// The most versions kept of one template.
const MAX_VERSIONS: usize = 100;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let name = request.required(p::TEMPLATE_NAME)?;
    let content = request.limited(p::CONTENT, crate::template::MAX_CONTENT)?;
    let parsed = content
        .map(crate::template::validate::validate)
        .transpose()
        .map_err(|at| ApiError::invalid_template(&at))?;
    let tags = request.tags(p::TAGS)?;
    let version_name = request.limited(p::VERSION_NAME, 200)?;
    let group = request.limited(p::RESOURCE_GROUP_ID, 200)?;
    let template = state
        .data
        .template_mut(name)
        .ok_or_else(|| ApiError::template_not_found(name))?;
    if template.share_type != "Private" {
        return Err(ApiError::invalid_parameter(
            p::TEMPLATE_NAME.as_str(),
            "it names a public template, which cannot be changed",
        ));
    }
    if let (Some(content), Some(parsed)) = (content, &parsed) {
        if template.versions.len() >= MAX_VERSIONS {
            return Err(ApiError::quota_exceeded(
                "TemplateVersion",
                format!("A template keeps at most {MAX_VERSIONS} versions."),
            ));
        }
        template.template_version = template.next_version();
        template.content = content.to_owned();
        template.template_format = content_format(content).to_owned();
        template.hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(content.as_bytes()));
        template.description = Some(description(parsed));
        template.version_name = version_name.unwrap_or_default().to_owned();
    } else if let Some(version_name) = version_name {
        template.version_name = version_name.to_owned();
    }
    if let Some(tags) = tags {
        template.tags = tags;
    }
    if let Some(group) = group {
        template.resource_group_id = group.to_owned();
    }
    template.updated_by = executed_by();
    template.updated_date = now();
    let version = template.current_version();
    if content.is_some() {
        template.versions.push(version);
    } else if let Some(last) = template.versions.last_mut() {
        *last = version;
    }
    let mut answer = Answer::new();
    answer.insert("Template".into(), Value::Object(template.record()));
    Ok(request.shaped(answer))
}

//! `GetTemplate`: a template's content and metadata.

use http::StatusCode;

use super::{ActionRequest, Answer, State};
use crate::error::ApiError;

pub(super) fn template_not_found(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "EntityNotExists.Template",
        format!("The specific template {name} does not exist."),
    )
}

/// A version other than the one the emulator holds of the template.
pub(super) fn version_not_found(name: &str, version: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "EntityNotExists.TemplateVersion",
        format!("The specific version {version} of template {name} does not exist."),
    )
}

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let name = request.required("TemplateName")?;
    let template = state
        .data
        .template(name)
        .ok_or_else(|| template_not_found(name))?;
    if let Some(version) = request.param("TemplateVersion").filter(|v| !v.is_empty()) {
        if version != template.template_version {
            return Err(version_not_found(name, version));
        }
    }
    let mut answer = Answer::new();
    answer.insert("Content".into(), template.content.clone().into());
    answer.insert("Template".into(), template.get_view());
    Ok(answer)
}

//! `GetTemplate`: a template's content and metadata, at its current version or at the one
//! asked for.

use serde_json::Value;

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::get_template as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let name = request.required(p::TEMPLATE_NAME)?;
    let template = state
        .data
        .template(name)
        .ok_or_else(|| ApiError::template_not_found(name))?;
    let template = match request.str(p::TEMPLATE_VERSION) {
        None => template.clone(),
        Some(version) => {
            let at = template
                .version(version)
                .ok_or_else(|| ApiError::version_not_found(name, version))?;
            template.at_version(at)
        }
    };
    let mut answer = Answer::new();
    answer.insert("Content".into(), template.content.clone().into());
    answer.insert("Template".into(), Value::Object(template.record()));
    Ok(request.shaped(answer))
}

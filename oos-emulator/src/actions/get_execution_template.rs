//! `GetExecutionTemplate`: the template an execution runs, with the content it started
//! with.

use serde_json::Value;

use crate::data::model::Template;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::get_execution_template as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request.required(p::EXECUTION_ID)?;
    let execution = state
        .data
        .execution(id)
        .ok_or_else(|| ApiError::execution_not_found(id))?;
    let stored = state.data.template(&execution.template_name);
    let template = match stored {
        Some(template) => {
            let version = template.version(&execution.template_version);
            let mut template = version.map_or_else(|| template.clone(), |v| template.at_version(v));
            if !execution.template_content.is_empty() {
                template.content = execution.template_content.clone();
            }
            template
        }
        // Content sent along with `StartExecution` belongs to no stored template.
        None if !execution.template_content.is_empty() => Template {
            template_name: execution.template_name.clone(),
            template_version: execution.template_version.clone(),
            ..Template::new(
                execution.template_name.clone(),
                execution.template_content.clone(),
            )
        },
        None => return Err(ApiError::template_not_found(&execution.template_name)),
    };
    let mut answer = Answer::new();
    answer.insert("Content".into(), template.content.clone().into());
    answer.insert("Template".into(), Value::Object(template.record()));
    Ok(request.shaped(answer))
}

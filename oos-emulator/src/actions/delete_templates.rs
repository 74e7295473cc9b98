//! `DeleteTemplate` and `DeleteTemplates`: private templates removed, with their
//! executions when `AutoDeleteExecutions=true`; several at once are all or none.

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::{self, delete_templates as p};
use crate::state::State;

const MAX_NAMES: usize = 100;

pub(super) fn one(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let name = request
        .required(params::delete_template::TEMPLATE_NAME)?
        .to_owned();
    delete(state, request, &[name])
}

pub(super) fn many(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let names = request.string_list(p::TEMPLATE_NAMES)?.unwrap_or_default();
    if names.is_empty() || names.len() > MAX_NAMES {
        return Err(ApiError::invalid_parameter(
            p::TEMPLATE_NAMES.as_str(),
            "it must name 1 to 100 templates",
        ));
    }
    delete(state, request, &names)
}

fn delete(
    state: &mut State,
    request: &ActionRequest<'_>,
    names: &[String],
) -> Result<Answer, ApiError> {
    for name in names {
        let template = state
            .data
            .template(name)
            .ok_or_else(|| ApiError::template_not_found(name))?;
        if template.share_type != "Private" {
            return Err(ApiError::invalid_parameter(
                params::delete_template::TEMPLATE_NAME.as_str(),
                &format!("{name} is a public template, which cannot be deleted"),
            ));
        }
    }
    if request.bool(p::AUTO_DELETE_EXECUTIONS).unwrap_or(false) {
        let ids: Vec<String> = state
            .data
            .executions()
            .iter()
            .filter(|e| names.contains(&e.template_name))
            .map(|e| e.execution_id.clone())
            .collect();
        crate::engine::delete(state, &ids);
    }
    for name in names {
        state.data.remove_template(name);
    }
    Ok(Answer::new())
}

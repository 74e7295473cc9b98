//! `GetTemplateParameterConstraints`: each parameter of a template (stored, at a version, or
//! sent as content), its type, the values it allows and the other parameters it depends on.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::get_template_parameter_constraints as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let content = match request.limited(p::TEMPLATE_CONTENT, crate::template::MAX_CONTENT)? {
        Some(content) => content,
        None => {
            if request.str(p::TEMPLATE_URL).is_some() {
                return Err(ApiError::invalid_parameter(
                    p::TEMPLATE_URL.as_str(),
                    "the emulator does not fetch templates; send TemplateContent instead",
                ));
            }
            let name = request
                .str(p::TEMPLATE_NAME)
                .ok_or_else(|| ApiError::missing_parameter(p::TEMPLATE_NAME.as_str()))?;
            let template = state
                .data
                .template(name)
                .ok_or_else(|| ApiError::template_not_found(name))?;
            match request.str(p::TEMPLATE_VERSION) {
                Some(version) => template
                    .version(version)
                    .ok_or_else(|| ApiError::version_not_found(name, version))?
                    .content
                    .as_str(),
                None => template.content.as_str(),
            }
        }
    };
    // Constraints are read from what parses; judging the whole template is
    // ValidateTemplateContent's work, whose error codes this action does not document.
    let parsed = crate::template::parse(content)
        .map_err(|at| ApiError::invalid_parameter(p::TEMPLATE_CONTENT.as_str(), &at.to_string()))?;
    let parameters = crate::template::parameters(&parsed);
    let constraints: Vec<Value> = parameters
        .iter()
        .map(|(key, definition)| {
            let allowed = definition
                .get("AllowedValues")
                .filter(|v| v.is_array())
                .cloned()
                .unwrap_or_else(|| json!([]));
            // A parameter depends on those its association metadata names (`RegionId:
            // regionId`): their values narrow what it allows.
            let associated: Vec<&str> = definition
                .get("AssociationPropertyMetadata")
                .and_then(Value::as_object)
                .map(|m| {
                    m.values()
                        .filter_map(Value::as_str)
                        .filter(|name| parameters.contains_key(*name) && *name != key)
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "ParameterKey": key,
                "Type": definition.get("Type").and_then(Value::as_str).unwrap_or("String"),
                "AllowedValues": allowed,
                "AssociationParameterNames": associated,
            })
        })
        .collect();
    let mut answer = Answer::new();
    answer.insert("ParameterConstraints".into(), Value::Array(constraints));
    Ok(request.shaped(answer))
}

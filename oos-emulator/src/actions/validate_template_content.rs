//! `ValidateTemplateContent`: a template's content parsed (JSON or YAML) and described:
//! its parameters, outputs, RAM role and tasks (a State-type template's states).

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::validate_template_content as p;
use crate::state::State;

pub(super) fn handle(_: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let Some(content) = request.limited(p::CONTENT, crate::template::MAX_CONTENT)? else {
        if request.str(p::TEMPLATE_URL).is_some() {
            return Err(ApiError::invalid_parameter(
                p::TEMPLATE_URL.as_str(),
                "the emulator does not fetch templates; send Content instead",
            ));
        }
        return Err(ApiError::missing_parameter(p::CONTENT.as_str()));
    };
    let template = crate::template::validate::validate(content)
        .map_err(|at| ApiError::invalid_template(&at))?;
    let json = |key: &str, of: &Value| -> String {
        of.get(key)
            .map_or_else(|| "{}".to_owned(), |v| v.to_string())
    };
    // A State-type template's steps are its States: each listed as a task, named as the
    // engine names it (its Name, else `state<N>`), typed by its ResourceType.
    let states = template.get("Tasks").is_none();
    let tasks: Vec<Value> = crate::template::steps(&template)
        .iter()
        .enumerate()
        .map(|(i, task)| {
            let text = |key: &str| task.get(key).and_then(Value::as_str);
            let mut out = Map::new();
            let name = match text("Name") {
                Some(name) => Some(name.to_owned()),
                None if states => Some(crate::template::validate::unnamed_state(i)),
                None => None,
            };
            if let Some(name) = name {
                out.insert("Name".into(), name.into());
            }
            let kind = text("Action").or_else(|| text("ResourceType").filter(|_| states));
            if let Some(kind) = kind {
                out.insert("Type".into(), kind.into());
            }
            if let Some(description) = text("Description") {
                out.insert("Description".into(), description.into());
            }
            out.insert("Properties".into(), json("Properties", task).into());
            out.insert("Outputs".into(), json("Outputs", task).into());
            Value::Object(out)
        })
        .collect();
    let mut answer = Answer::new();
    answer.insert("Parameters".into(), json("Parameters", &template).into());
    answer.insert("Outputs".into(), json("Outputs", &template).into());
    if let Some(role) = template.get("RamRole").and_then(Value::as_str) {
        answer.insert("RamRole".into(), role.into());
    }
    answer.insert("Tasks".into(), Value::Array(tasks));
    Ok(request.shaped(answer))
}

//! `StartExecution`: a new execution of a stored template or of content sent along.
//!
//! A new execution is handed to the engine (`crate::engine`), which starts its first task
//! at once and the others as the emulator's clock goes. A `ClientToken` seen before (with
//! the same access key) answers with the execution its first request created, as it is now.

use serde_json::{json, Map, Value};

use crate::data::model::{now, Execution};
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::start_execution as p;
use crate::state::State;

/// The most executions kept; past it, `StartExecution` is refused.
pub(crate) const MAX_EXECUTIONS: usize = 10_000;
/// Size limits on what is stored of a request, so that 10,000 executions stay small.
const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 1024;
const MAX_JSON: usize = 8 * 1024;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let client_token = request.client_token(p::CLIENT_TOKEN)?;
    if let Some(token) = &client_token {
        let earlier = state
            .client_tokens
            .get(request.access_key_id, token)
            .and_then(|id| state.data.execution(id));
        if let Some(execution) = earlier {
            return Ok(answer(request, execution));
        }
    }
    let mode = request.str(p::MODE).unwrap_or("Automatic");
    let loop_mode = request.str(p::LOOP_MODE).unwrap_or("Automatic");
    let safety_check = request
        .str(p::SAFETY_CHECK)
        .unwrap_or("ConfirmEveryHighRiskAction");
    if safety_check == "Skip" && mode != "Automatic" {
        return Err(ApiError::invalid_parameter(
            p::SAFETY_CHECK.as_str(),
            "Skip is accepted only when Mode is Automatic",
        ));
    }
    // A task's parameters are fitted to the child's declarations first: the limit is on what
    // the child keeps.
    if !request.from_task {
        request.limited(p::PARAMETERS, MAX_JSON)?;
    }
    let mut parameters = match request.value(p::PARAMETERS) {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(Value::String(text)) if text.is_empty() => Map::new(),
        Some(Value::String(text)) => {
            serde_json::from_str::<Map<String, Value>>(text).map_err(|_| {
                ApiError::invalid_parameter(p::PARAMETERS.as_str(), "it must be a JSON object")
            })?
        }
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                p::PARAMETERS.as_str(),
                "it must be a JSON object",
            ))
        }
    };
    if request.param(p::TAGS).is_some_and(|t| t.len() > MAX_JSON) {
        return Err(ApiError::invalid_parameter(
            p::TAGS.as_str(),
            &format!("it must be at most {MAX_JSON} characters long"),
        ));
    }
    let tags = request.tags(p::TAGS)?.unwrap_or_default();
    let description = request.limited(p::DESCRIPTION, MAX_TEXT)?;
    let group = request.limited(p::RESOURCE_GROUP_ID, MAX_NAME)?;
    let name = request.limited(p::TEMPLATE_NAME, MAX_NAME)?;
    let content = request.limited(p::TEMPLATE_CONTENT, crate::template::MAX_CONTENT)?;
    if request.str(p::TEMPLATE_URL).is_some() && content.is_none() {
        return Err(ApiError::invalid_parameter(
            p::TEMPLATE_URL.as_str(),
            "the emulator does not fetch templates; send TemplateContent instead",
        ));
    }
    let parent = request.str(p::PARENT_EXECUTION_ID);
    if let Some(parent) = parent {
        if state.data.execution(parent).is_none() {
            return Err(ApiError::execution_not_found(parent));
        }
    }

    // The template's content, parsed once for the parameters' check and for the engine.
    let (mut execution, template) = match content {
        Some(content) => {
            let template = crate::template::validate::validate(content)
                .map_err(|at| ApiError::invalid_template(&at))?;
            let execution = Execution {
                template_name: name.unwrap_or_default().into(),
                ..new_execution(content)
            };
            (execution, Ok(template))
        }
        None => {
            let name =
                name.ok_or_else(|| ApiError::missing_parameter(p::TEMPLATE_NAME.as_str()))?;
            let template = state
                .data
                .template(name)
                .ok_or_else(|| ApiError::template_not_found(name))?;
            let version = match request.str(p::TEMPLATE_VERSION) {
                Some(version) => template
                    .version(version)
                    .ok_or_else(|| ApiError::version_not_found(name, version))?
                    .clone(),
                None => template.current_version(),
            };
            let execution = Execution {
                template_id: template.template_id.clone(),
                template_name: template.template_name.clone(),
                template_version: version.template_version.clone(),
                category: template.category.clone(),
                ..new_execution(&version.content)
            };
            // Stored templates were checked when written, save those loaded from `Data`,
            // which run as they are: one that does not parse fails its execution.
            let template = crate::template::parse(&version.content).map_err(|at| at.to_string());
            (execution, template)
        }
    };
    if let Ok(template) = &template {
        let declared = crate::template::parameters(template);
        if request.from_task {
            parameters = crate::template::parameters::coerce(&declared, parameters);
            if serde_json::to_vec(&parameters)
                .expect("a JSON object serializes")
                .len()
                > MAX_JSON
            {
                return Err(ApiError::invalid_parameter(
                    p::PARAMETERS.as_str(),
                    &format!("it must be at most {MAX_JSON} characters long"),
                ));
            }
        }
        crate::template::parameters::check(&declared, &parameters)
            .map_err(|why| ApiError::invalid_parameter(p::PARAMETERS.as_str(), &why))?;
    }
    execution.mode = mode.into();
    execution.loop_mode = loop_mode.into();
    execution.safety_check = safety_check.into();
    execution.parameters = parameters;
    execution.tags = tags;
    execution.description = description.unwrap_or_default().into();
    execution.parent_execution_id = parent.unwrap_or_default().into();
    execution.resource_group_id = group.unwrap_or_default().into();
    let id = admit(state, execution)?;
    if let Some(token) = &client_token {
        state
            .client_tokens
            .remember(request.access_key_id, token, &id);
    }
    crate::engine::start(
        state,
        &id,
        template.as_ref().map_err(String::clone),
        request.access_key_id,
        request.str(p::REGION_ID),
    );
    state
        .data
        .execution(&id)
        .map(|execution| answer(request, execution))
        .ok_or_else(|| ApiError::execution_not_found(&id))
}

/// Keeps `execution` as a new one, the way every execution comes to be (`StartExecution`,
/// and each firing of a trigger): refused past [`MAX_EXECUTIONS`], given its id, counted in
/// its template's `TotalExecutionCount` (a run of the template, whatever started it) and
/// marked as its parent's child. Answers its id; the caller hands it to the engine.
pub(crate) fn admit(state: &mut State, mut execution: Execution) -> Result<String, ApiError> {
    if state.data.executions().len() >= MAX_EXECUTIONS {
        return Err(ApiError::quota_exceeded(
            "Execution",
            format!("The emulator keeps at most {MAX_EXECUTIONS} executions; delete some first."),
        ));
    }
    execution.execution_id = new_id(state);
    let id = execution.execution_id.clone();
    let execution = execution.complete();
    if let Some(template) = state.data.template_mut(&execution.template_name) {
        if let Some(count) = template.total_execution_count.as_mut().filter(|c| **c >= 0) {
            *count = count.saturating_add(1);
        }
    }
    let parent = &execution.parent_execution_id;
    if let Some(parent) = state
        .data
        .execution_mut(parent)
        .filter(|_| !parent.is_empty())
    {
        parent.is_parent = true;
    }
    state.data.insert_execution(execution);
    Ok(id)
}

fn answer(request: &ActionRequest<'_>, execution: &Execution) -> Answer {
    let mut record = execution.record();
    // `StartExecution` documents the parameters as the JSON text they were sent as.
    record.insert(
        "Parameters".into(),
        Value::Object(execution.parameters.clone())
            .to_string()
            .into(),
    );
    let mut answer = Answer::new();
    answer.insert("Execution".into(), Value::Object(record));
    request.shaped(answer)
}

/// A running execution of `content` that has not started a task yet; the ids are set by
/// the caller, the engine starts its tasks and counts them.
fn new_execution(content: &str) -> Execution {
    let at = now();
    Execution {
        logs: vec![json!({"Timestamp": at, "Message": "Execution started."})],
        status: "Running".into(),
        template_content: content.to_owned(),
        create_date: at.clone(),
        start_date: at.clone(),
        update_date: at,
        ..Execution::default()
    }
}

/// `exec-` and 20 hex digits, unused so far.
fn new_id(state: &State) -> String {
    loop {
        let id = format!("exec-{}", hex::encode(rand::random::<[u8; 10]>()));
        if state.data.execution(&id).is_none() {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::data::Data;

    fn start(state: &mut State, params: &[(&str, &str)]) -> Result<Answer, ApiError> {
        crate::actions::call(state, "StartExecution", params)
    }

    #[test]
    fn executions_are_bounded() {
        let mut data = Data::new().with_template("t", "{}");
        for i in 0..MAX_EXECUTIONS - 1 {
            data = data.with_execution(format!("exec-{i}"), Vec::new());
        }
        let mut state = State::new(data);
        assert!(start(&mut state, &[("TemplateName", "t")]).is_ok());
        let error = start(&mut state, &[("TemplateName", "t")]).unwrap_err();
        assert_eq!(
            (error.status, error.code.as_str()),
            (StatusCode::BAD_REQUEST, "QuotaExceeded.Execution")
        );
        assert_eq!(state.data.executions().len(), MAX_EXECUTIONS);
    }

    #[test]
    fn the_first_task_starts_with_the_execution_and_long_names_are_refused() {
        let content = |name: &str| {
            json!({"FormatVersion": "OOS-2019-06-01", "Tasks": [{"Name": name, "Action": "ACS::Sleep", "Properties": {"Duration": "PT1H"}}]}).to_string()
        };
        let mut state = State::new(Data::new());
        let error = start(
            &mut state,
            &[("TemplateContent", &content(&"n".repeat(201)))],
        )
        .unwrap_err();
        assert_eq!(error.code, "InvalidTemplate");
        assert!(
            error.message.contains("is not a task name"),
            "{}",
            error.message
        );
        let answer = start(
            &mut state,
            &[("TemplateContent", &content(&"n".repeat(200)))],
        )
        .unwrap();
        let execution = &answer["Execution"];
        assert_eq!(execution["Status"], "Running");
        assert_eq!(
            execution["CurrentTasks"][0]["TaskName"]
                .as_str()
                .unwrap()
                .len(),
            200
        );
        let id = execution["ExecutionId"].as_str().unwrap();
        assert_eq!(state.data.execution(id).unwrap().logs.len(), 2);
    }
}

//! `StartExecution`: a new execution of a stored template or of content sent along.
//!
//! Executions do not progress: a new one stays `Running` on its first task until it is
//! cancelled or deleted. A `ClientToken` seen before (with the same access key) answers
//! with the execution its first request created, as it is now.

use std::collections::BTreeMap;

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::cancel_execution::execution_not_found;
use super::get_template::{template_not_found, version_not_found};
use super::listing::{self, filter};
use super::{ActionRequest, Answer, State};
use crate::data::model::{now, CurrentTask, Execution, Template};
use crate::error::ApiError;

/// The most logs kept for one execution.
pub(super) const MAX_LOGS: usize = 1000;
/// The most executions kept; past it, `StartExecution` is refused.
pub(crate) const MAX_EXECUTIONS: usize = 10_000;
/// Size limits on what is stored of a request, so that 10,000 executions stay small.
const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 1024;
const MAX_JSON: usize = 8 * 1024;
const MAX_CONTENT: usize = 64 * 1024;
const MAX_TAGS: usize = 20;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let client_token = listing::limited(request, "ClientToken", 64)?;
    if let Some(token) = client_token {
        let earlier = state
            .client_tokens
            .get(request.access_key_id, token)
            .and_then(|id| state.data.execution(id));
        if let Some(execution) = earlier {
            return Ok(answer(execution));
        }
    }
    let mode = listing::one_of(request, "Mode", &["Automatic", "FailurePause", "Debug"])?;
    let loop_mode = listing::one_of(
        request,
        "LoopMode",
        &["Automatic", "FirstBatchPause", "EveryBatchPause"],
    )?;
    let safety_check = listing::one_of(
        request,
        "SafetyCheck",
        &["ConfirmEveryHighRiskAction", "Skip"],
    )?;
    if safety_check == "Skip" && mode != "Automatic" {
        return Err(ApiError::invalid_parameter(
            "SafetyCheck",
            "Skip is accepted only when Mode is Automatic",
        ));
    }
    let parameters = match listing::limited(request, "Parameters", MAX_JSON)? {
        None => Map::new(),
        Some(text) => serde_json::from_str::<Map<String, Value>>(text)
            .map_err(|_| ApiError::invalid_parameter("Parameters", "it must be a JSON object"))?,
    };
    listing::limited(request, "Tags", MAX_JSON)?;
    let tags = listing::string_map(request, "Tags")?.unwrap_or_default();
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid_parameter(
            "Tags",
            "it must have at most 20 pairs",
        ));
    }
    let description = listing::limited(request, "Description", MAX_TEXT)?;
    let group = listing::limited(request, "ResourceGroupId", MAX_NAME)?;
    let name = listing::limited(request, "TemplateName", MAX_NAME)?;
    let content = listing::limited(request, "TemplateContent", MAX_CONTENT)?;
    if filter(request, "TemplateURL").is_some() && content.is_none() {
        return Err(ApiError::invalid_parameter(
            "TemplateURL",
            "the emulator does not fetch templates; send TemplateContent instead",
        ));
    }
    let parent = filter(request, "ParentExecutionId");
    if let Some(parent) = parent {
        if state.data.execution(parent).is_none() {
            return Err(execution_not_found(parent));
        }
    }

    let mut execution = match content {
        Some(content) => Execution {
            template_name: name.unwrap_or_default().into(),
            ..new_execution(content)
        },
        None => {
            let name = name.ok_or_else(|| ApiError::missing_parameter("TemplateName"))?;
            let template = state
                .data
                .template(name)
                .ok_or_else(|| template_not_found(name))?;
            if let Some(version) = filter(request, "TemplateVersion") {
                if version != template.template_version {
                    return Err(version_not_found(name, version));
                }
            }
            Execution {
                template_id: template.template_id.clone(),
                template_name: template.template_name.clone(),
                template_version: template.template_version.clone(),
                category: template.category.clone(),
                ..new_execution(&template.content)
            }
        }
    };
    if state.data.executions().len() >= MAX_EXECUTIONS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "QuotaExceeded.Execution",
            format!("The emulator keeps at most {MAX_EXECUTIONS} executions; delete some first."),
        ));
    }
    execution.mode = mode.into();
    execution.loop_mode = loop_mode.into();
    execution.safety_check = safety_check.into();
    execution.parameters = parameters;
    execution.tags = tags;
    execution.description = description.unwrap_or_default().into();
    execution.parent_execution_id = parent.unwrap_or_default().into();
    execution.resource_group_id = group.unwrap_or_default().into();
    execution.execution_id = new_id(state);
    for task in &mut execution.current_tasks {
        task.task_execution_id = format!("{}.t0001", execution.execution_id);
    }
    let execution = execution.complete();

    if let Some(template) = state.data.template_mut(&execution.template_name) {
        if let Some(count) = template.total_execution_count.as_mut().filter(|c| **c >= 0) {
            *count = count.saturating_add(1);
        }
    }
    if let Some(parent) = parent.and_then(|p| state.data.execution_mut(p)) {
        parent.is_parent = true;
    }
    let id = execution.execution_id.clone();
    state.data.insert_execution(execution);
    if let Some(token) = client_token {
        state
            .client_tokens
            .remember(request.access_key_id, token, &id);
    }
    state.data.execution(&id).map(answer).ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "The execution was lost.",
        )
    })
}

fn answer(execution: &Execution) -> Answer {
    let mut answer = Answer::new();
    answer.insert("Execution".into(), execution.start_view());
    answer
}

/// A running execution of `content`, on its first task; the id is set by the caller.
fn new_execution(content: &str) -> Execution {
    let at = now();
    let tasks = Template::tasks(content);
    let short = |text: String| text.chars().take(MAX_NAME).collect::<String>();
    let log = |message: String| json!({"Timestamp": at, "Message": message});
    let mut logs = vec![log("Execution started.".to_owned())];
    let mut counters = BTreeMap::from([(
        "Total".to_owned(),
        i32::try_from(tasks.len()).unwrap_or(i32::MAX),
    )]);
    let current_tasks = match tasks.into_iter().next() {
        Some((name, action)) => {
            let (name, action) = (short(name), short(action));
            logs.push(log(format!("The task {name} started.")));
            counters.insert("Running".to_owned(), 1);
            vec![CurrentTask {
                task_action: action,
                task_execution_id: String::new(),
                task_name: name,
            }]
        }
        None => {
            logs.push(log("The execution is running.".to_owned()));
            Vec::new()
        }
    };
    logs.truncate(MAX_LOGS);
    Execution {
        logs,
        status: "Running".into(),
        counters: Some(counters),
        current_tasks,
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
    use super::*;
    use crate::data::Data;

    fn start(state: &mut State, params: &[(&str, &str)]) -> Result<Answer, ApiError> {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        handle(
            state,
            &ActionRequest {
                action: "StartExecution",
                access_key_id: "testid",
                params: &params,
            },
        )
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
    fn long_task_names_are_cut() {
        let name = "n".repeat(5000);
        let content = json!({"Tasks": [{"Name": name, "Action": "ACS::Sleep"}]}).to_string();
        let execution = new_execution(&content);
        assert_eq!(execution.current_tasks[0].task_name.len(), MAX_NAME);
        assert_eq!(execution.status, "Running");
        assert_eq!(execution.logs.len(), 2);
    }
}

//! `StartDebugExecution`: one task (an action and its properties) started as an execution in
//! Debug mode, through the path `StartExecution` takes (`start`), so that it runs, logs and
//! is listed like any other execution.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::state::State;

use super::Handler;
use crate::spec::params::start_debug_execution as p;

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    start: Handler,
) -> Result<Answer, ApiError> {
    let task_type = request
        .str(p::TASK_TYPE)
        .ok_or_else(|| ApiError::missing_parameter(p::TASK_TYPE.as_str()))?;
    let properties: Value = match request.limited(p::PROPERTIES, 8 * 1024)? {
        None | Some("") => json!({}),
        Some(text) => serde_json::from_str(text)
            .ok()
            .filter(Value::is_object)
            .ok_or_else(|| {
                ApiError::invalid_parameter(p::PROPERTIES.as_str(), "it must be a JSON object")
            })?,
    };
    let content = json!({
        "FormatVersion": "OOS-2019-06-01",
        "Tasks": [{"Name": "debugTask", "Action": task_type, "Properties": properties}],
    })
    .to_string();
    let mut params = vec![
        ("TemplateContent".to_owned(), content),
        ("Mode".to_owned(), "Debug".to_owned()),
    ];
    if let Some(token) = request.str(p::CLIENT_TOKEN) {
        params.push(("ClientToken".to_owned(), token.to_owned()));
    }
    let spec = crate::spec::action("StartExecution").ok_or_else(ApiError::invalid_action)?;
    let args = crate::spec::check::check(spec, &params)?;
    let answer = start(
        state,
        &ActionRequest {
            // Client tokens are kept by action: a debug start's token names a debug start.
            action: request.action,
            spec,
            access_key_id: request.access_key_id,
            params: &params,
            args: &args,
            from_task: request.from_task,
        },
    )?;
    let id = answer
        .get("Execution")
        .and_then(|e| e.get("ExecutionId"))
        .cloned()
        .unwrap_or_default();
    let mut out = Answer::new();
    out.insert("ExecutionId".into(), id);
    Ok(request.shaped(out))
}

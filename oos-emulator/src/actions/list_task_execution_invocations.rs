//! `ListTaskExecutionInvocations`: the Cloud Assistant invocations a task execution made,
//! read from the executions: a command task and the loop iterations under it each made one.

use serde_json::{json, Value};
use sha2::Digest;

use crate::error::ApiError;
use crate::query::filters::is;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_task_execution_invocations as p;
use crate::state::State;

/// Task actions that run a command through Cloud Assistant.
const COMMAND_ACTIONS: &[&str] = &[
    "ACS::ECS::RunCommand",
    "ACS::ECS::InvokeCommand",
    "ACS::ECS::RunShellScript",
    "ACS::ECS::RunPowerShellScript",
];

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let id = request
        .str(p::TASK_EXECUTION_ID)
        .ok_or_else(|| ApiError::missing_parameter(p::TASK_EXECUTION_ID.as_str()))?;
    let status = request.str(p::STATUS);
    let region = request.str(p::REGION_ID).unwrap_or("cn-hangzhou");
    let tasks: Vec<_> = state
        .data
        .executions()
        .iter()
        .flat_map(|e| &e.task_executions)
        .collect();
    if !tasks.iter().any(|t| t.task_execution_id == id) {
        return Err(ApiError::not_found("TaskExecution", "task execution", id));
    }
    let invocations: Vec<Value> = tasks
        .iter()
        .filter(|t| t.task_execution_id == id || t.parent_task_execution_id == id)
        .filter(|t| COMMAND_ACTIONS.contains(&t.task_action.as_str()))
        .filter(|t| is(&t.status, status))
        .map(|t| {
            // Stable for a task: listing twice gives the same invocation.
            let digest = sha2::Sha256::digest(t.task_execution_id.as_bytes());
            json!({
                "InvocationTaskExecutionId": t.task_execution_id,
                "InvocationTaskName": t.task_name,
                "Status": t.status,
                "InvocationId": format!("t-{}", &hex::encode(digest)[..14]),
                "RegionId": region,
            })
        })
        .collect();
    let mut answer = Answer::new();
    answer.insert("TaskExecutionInvocations".into(), Value::Array(invocations));
    Ok(request.shaped(answer))
}

//! `StartDebugExecution` starts an execution in Debug mode like `StartExecution`;
//! `ListTaskExecutionInvocations` reads the command invocations of its tasks.

use crate::common;

use common::{call, ok};
use oos_emulator::{Data, Emulator};

#[tokio::test]
async fn a_debug_execution_is_an_execution_and_its_command_task_an_invocation() {
    let emulator = Emulator::builder().data(Data::new()).start().await.unwrap();
    let properties = r#"{"regionId": "cn-hangzhou", "commandType": "RunShellScript", "commandContent": "echo hi"}"#;
    let request = [
        ("TaskType", "ACS::ECS::RunCommand"),
        ("Properties", properties),
        ("ClientToken", "debug-1"),
    ];
    let started = ok(&emulator, "StartDebugExecution", &request).await;
    let id = started["ExecutionId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("exec-"), "{started}");

    let listed = ok(&emulator, "ListExecutions", &[("ExecutionId", &id)]).await;
    let execution = &listed["Executions"][0];
    assert_eq!(execution["Mode"], "Debug", "{listed}");

    // The same token starts nothing new.
    let again = ok(&emulator, "StartDebugExecution", &request).await;
    assert_eq!(again["ExecutionId"], started["ExecutionId"]);

    let tasks = ok(&emulator, "ListTaskExecutions", &[("ExecutionId", &id)]).await;
    let task = &tasks["TaskExecutions"][0];
    assert_eq!(task["TaskAction"], "ACS::ECS::RunCommand", "{tasks}");
    let task_id = task["TaskExecutionId"].as_str().unwrap();
    let invocations = ok(
        &emulator,
        "ListTaskExecutionInvocations",
        &[("TaskExecutionId", task_id)],
    )
    .await;
    let list = invocations["TaskExecutionInvocations"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{invocations}");
    assert_eq!(list[0]["InvocationTaskExecutionId"], task_id);
    assert_eq!(list[0]["InvocationTaskName"], task["TaskName"]);
    assert_eq!(list[0]["Status"], task["Status"]);
    assert!(list[0]["InvocationId"].as_str().unwrap().starts_with("t-"));
    let again = ok(
        &emulator,
        "ListTaskExecutionInvocations",
        &[("TaskExecutionId", task_id)],
    )
    .await;
    assert_eq!(
        again["TaskExecutionInvocations"],
        invocations["TaskExecutionInvocations"]
    );
    let none = ok(
        &emulator,
        "ListTaskExecutionInvocations",
        &[("TaskExecutionId", task_id), ("Status", "NoSuchStatus")],
    )
    .await;
    assert_eq!(none["TaskExecutionInvocations"], serde_json::json!([]));

    call(
        &emulator,
        "ListTaskExecutionInvocations",
        &[("TaskExecutionId", "exec-none.t0001")],
    )
    .await
    .assert_error(404, "EntityNotExists.TaskExecution");
    call(
        &emulator,
        "StartDebugExecution",
        &[("TaskType", "ACS::Sleep"), ("Properties", "[1]")],
    )
    .await
    .assert_error(400, "InvalidParameter");
    call(&emulator, "StartDebugExecution", &[("Properties", "{}")])
        .await
        .assert_error(400, "MissingParameter");
}

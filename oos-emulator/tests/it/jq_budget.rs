//! jq within the emulator's budget: a filter that generates without end, or builds a value
//! nested deeper than the emulator walks, fails its task promptly as a limit of the emulator
//! (the `Unsupported by the emulator:` message, naming the limit and the task, which no
//! `OnError` absorbs), and the emulator goes on serving.

use std::time::{Duration, Instant};

use crate::common::{call, finished, start_content};
use oos_emulator::{Emulator, RunningEmulator, Stub};
use serde_json::{json, Value};

async fn emulator() -> RunningEmulator {
    Emulator::builder()
        .clock_speed(10_000.0)
        .stub(Stub::new(
            "ECS",
            "DescribeInstances",
            json!({"Instances": {"Instance": [{"InstanceId": "i-1"}]}}),
        ))
        .start()
        .await
        .unwrap()
}

/// A template whose task `task` evaluates `filter` with `Fn::Jq`.
fn with_fn_jq(task: &str, filter: &str) -> String {
    format!(
        "FormatVersion: OOS-2019-06-01
Tasks:
  - Name: {task}
    Action: ACS::Sleep
    Properties:
      Duration: {{'Fn::Jq': [First, '{filter}', '{{}}']}}
"
    )
}

/// [`with_fn_jq`] with `OnError: ACS::NEXT` and a task after it.
fn with_fn_jq_on_error_next(task: &str, filter: &str) -> String {
    format!(
        "{}    OnError: ACS::NEXT
  - Name: after
    Action: ACS::Sleep
    Properties: {{Duration: PT1S}}
",
        with_fn_jq(task, filter)
    )
}

/// A template whose task `task` selects an output of a stubbed call with `filter`.
fn with_selector(task: &str, filter: &str) -> String {
    format!(
        "FormatVersion: OOS-2019-06-01
Tasks:
  - Name: {task}
    Action: ACS::ExecuteAPI
    Properties: {{Service: ECS, API: DescribeInstances}}
    Outputs:
      picked: {{Type: Json, ValueSelector: '{filter}'}}
"
    )
}

/// Starts `content` and expects its task `task` to fail promptly on one of `limits`.
async fn fails_on_the_limit(
    emulator: &RunningEmulator,
    content: &str,
    task: &str,
    limits: &[&str],
) {
    let started = Instant::now();
    let id = start_content(emulator, content, json!({})).await;
    let execution = finished(emulator, &id).await;
    let took = started.elapsed();
    assert_eq!(execution["Status"], "Failed", "{execution}");
    let message = execution["StatusMessage"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("Unsupported by the emulator: jq `")
            && message.ends_with(&format!(", in task {task}")),
        "{message}"
    );
    assert!(
        limits
            .iter()
            .any(|limit| message.contains(&format!("exceeded the emulator's limit on {limit}"))),
        "{message}"
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
}

/// A generator without end runs out of steps, or in a debug build on a busy machine, of
/// time first.
const GENERATING: &[&str] = &["steps", "time"];

#[tokio::test]
async fn a_filter_that_generates_without_end_fails_its_task() {
    let emulator = emulator().await;
    fails_on_the_limit(
        &emulator,
        &with_fn_jq("counting", "[range(1e9)] | length"),
        "counting",
        GENERATING,
    )
    .await;
    fails_on_the_limit(
        &emulator,
        &with_selector("repeating", ".Instances | last(repeat(1))"),
        "repeating",
        GENERATING,
    )
    .await;
}

#[tokio::test]
async fn on_error_next_does_not_absorb_a_filter_over_the_budget() {
    let emulator = emulator().await;
    fails_on_the_limit(
        &emulator,
        &with_fn_jq_on_error_next("counting", "[range(1e9)] | length"),
        "counting",
        GENERATING,
    )
    .await;
}

#[tokio::test]
async fn a_filter_that_builds_a_deep_value_fails_its_task() {
    let emulator = emulator().await;
    // 100,000 deep: 1,000 rounds of 100 levels.
    let deep = format!(
        "reduce range(1000) as $i (null; {}.{})",
        "[".repeat(100),
        "]".repeat(100)
    );
    let deep = deep.as_str();
    fails_on_the_limit(
        &emulator,
        &with_fn_jq("nesting", deep),
        "nesting",
        &["size"],
    )
    .await;
    // A selector that does not start with `.` has one put before it.
    fails_on_the_limit(
        &emulator,
        &with_selector("selecting", &format!(". | {deep}")),
        "selecting",
        &["size"],
    )
    .await;
}

#[tokio::test]
async fn the_emulator_serves_others_after_a_filter_runs_over() {
    let emulator = emulator().await;
    let over = start_content(
        &emulator,
        &with_fn_jq("counting", "[range(1e9)] | length"),
        json!({}),
    )
    .await;
    // Asked once the filter has run over (the engine holds the state while jq runs, so a
    // request made meanwhile waits for it): answered.
    let listed = call(&emulator, "ListTemplates", &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let fine = start_content(
        &emulator,
        &with_selector("describe", ".Instances.Instance[0].InstanceId"),
        json!({}),
    )
    .await;
    // The first execution failed on the budget, not on anything else.
    let over = finished(&emulator, &over).await;
    assert_eq!(over["Status"], "Failed", "{over}");
    let message = over["StatusMessage"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "Unsupported by the emulator: jq `[range(1e9)] | length` exceeded the emulator's limit on "
        ),
        "{message}"
    );
    let fine = finished(&emulator, &fine).await;
    assert_eq!(fine["Status"], "Success", "{fine}");
    let tasks = call(
        &emulator,
        "ListTaskExecutions",
        &[("ExecutionId", fine["ExecutionId"].as_str().unwrap())],
    )
    .await;
    let outputs: Value =
        serde_json::from_str(tasks.body["TaskExecutions"][0]["Outputs"].as_str().unwrap()).unwrap();
    assert_eq!(outputs["picked"], "i-1");
}

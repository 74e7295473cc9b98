//! The generated waiters against the emulator: each way a wait ends (success, failure,
//! timeout), and a wait that is dropped sends nothing more.

use std::time::Duration;

use oos_api::operation::list_executions::ListExecutionsOutput;
use oos_api::waiter::WaitError;
use oos_api::{Client, SignatureMethod};
use oos_emulator::test_util::client_for;
use oos_emulator::{Data, Emulator, RunningEmulator};
use serde_json::json;

fn template(tasks: serde_json::Value) -> String {
    json!({"FormatVersion": "OOS-2019-06-01", "Tasks": tasks}).to_string()
}

async fn emulator(speed: f64) -> (RunningEmulator, Client) {
    let data = Data::new()
        .with_template(
            "quick",
            template(json!([{"Name": "nap", "Action": "ACS::Sleep", "Properties": {"Duration": "PT10M"}}])),
        )
        .with_template(
            "broken",
            // Reads a parameter nobody stored: OOS answers EntityNotExists and the task fails.
            template(json!([{"Name": "read", "Action": "ACS::ExecuteAPI", "Properties": {
                "Service": "OOS", "API": "GetParameter", "Parameters": {"Name": "never-stored"}}}])),
        )
        .with_template(
            "long",
            template(json!([{"Name": "nap", "Action": "ACS::Sleep", "Properties": {"Duration": "P7D"}}])),
        );
    let emulator = Emulator::builder()
        .data(data)
        .clock_speed(speed)
        .start()
        .await
        .unwrap();
    let client = client_for(&emulator, SignatureMethod::Acs3HmacSha256);
    (emulator, client)
}

async fn start(client: &Client, template: &str) -> String {
    client
        .start_execution()
        .template_name(template)
        .send()
        .await
        .unwrap()
        .execution
        .and_then(|e| e.execution_id)
        .unwrap()
}

async fn wait(
    client: &Client,
    id: &str,
    max_wait: Duration,
) -> Result<
    ListExecutionsOutput,
    WaitError<ListExecutionsOutput, oos_api::operation::list_executions::ListExecutionsError>,
> {
    client
        .wait_until_execution_finished()
        .execution_id(id)
        .min_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(40))
        .max_wait(max_wait)
        .send()
        .await
}

fn status(output: &ListExecutionsOutput) -> String {
    output.executions.as_ref().unwrap()[0]
        .status
        .as_ref()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn success_returns_the_last_answer() {
    let (_emulator, client) = emulator(6000.0).await;
    let id = start(&client, "quick").await;
    let done = wait(&client, &id, Duration::from_secs(20)).await.unwrap();
    assert_eq!(status(&done), "Success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_names_the_state_and_keeps_the_answer() {
    let (_emulator, client) = emulator(6000.0).await;
    let id = start(&client, "broken").await;
    let error = wait(&client, &id, Duration::from_secs(20))
        .await
        .unwrap_err();
    assert_eq!(error.state(), Some("Failed"));
    assert_eq!(
        error.to_string(),
        "ExecutionFinished: ended in state `Failed`, a failure"
    );
    let execution = &error.output().unwrap().executions.as_ref().unwrap()[0];
    assert!(
        execution
            .status_message
            .as_deref()
            .unwrap()
            .contains("EntityNotExists.Parameter"),
        "{execution:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_execution_is_a_failure_too() {
    let (_emulator, client) = emulator(1.0).await;
    let id = start(&client, "long").await;
    let waiting = tokio::spawn({
        let client = client.clone();
        let id = id.clone();
        async move { wait(&client, &id, Duration::from_secs(20)).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    client
        .cancel_execution()
        .execution_id(&id)
        .send()
        .await
        .unwrap();
    let error = waiting.await.unwrap().unwrap_err();
    assert!(
        matches!(error, WaitError::Failed { ref state, .. } if state == "Cancelled"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_reports_the_last_state() {
    let (_emulator, client) = emulator(0.0).await;
    let id = start(&client, "quick").await;
    let started = tokio::time::Instant::now();
    let error = wait(&client, &id, Duration::from_millis(300))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2));
    // It gives up once less than `min_delay` (5 ms) of the 300 ms is left, or at the deadline
    // if a poll is still out then; `waited` is what it measured, inside this test's span.
    assert!(
        matches!(error, WaitError::Timeout { waited, .. }
            if waited >= Duration::from_millis(295) && waited <= elapsed),
        "{error:?}"
    );
    assert_eq!(error.state(), Some("Running"));
    assert!(
        error
            .to_string()
            .contains("the last state seen was `Running`"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_execution_is_an_unexpected_state() {
    let (_emulator, client) = emulator(0.0).await;
    let error = wait(&client, "exec-none", Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(error, WaitError::UnexpectedState { state: None, .. }),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "ExecutionFinished: the answer has no `Executions[0].Status`"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_wait_sends_nothing_more() {
    let (emulator, client) = emulator(0.0).await;
    let id = start(&client, "quick").await;
    let before = emulator.request_count();
    // Dropped once it has polled three times, however slow the machine.
    let polled = tokio::time::timeout(Duration::from_secs(10), async {
        while emulator.request_count() < before + 3 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    tokio::select! {
        _ = wait(&client, &id, Duration::from_secs(60)) => panic!("the wait ended"),
        polled = polled => polled.expect("three polls within 10 s"),
    }
    // A poll already on the wire when the wait was dropped may still arrive; none may start.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let polls = emulator.request_count();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(emulator.request_count(), polls, "no request after the drop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inconsistent_delays_send_nothing() {
    let (emulator, client) = emulator(0.0).await;
    let error = client
        .wait_until_execution_finished()
        .execution_id("exec-1")
        .min_delay(Duration::from_secs(5))
        .max_delay(Duration::from_secs(1))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, WaitError::InvalidDelays { .. }), "{error}");
    assert_eq!(emulator.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_version_becomes_available() {
    let (_emulator, client) = emulator(0.0).await;
    let waiting = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .get_template()
                .template_name("quick")
                .template_version("v2")
                .wait_until_template_version_available()
                .min_delay(Duration::from_millis(5))
                .max_delay(Duration::from_millis(20))
                .max_wait(Duration::from_secs(20))
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert!(!waiting.is_finished(), "v2 does not exist yet");
    client
        .update_template()
        .template_name("quick")
        .content(template(
            json!([{"Name": "two", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1S"}}]),
        ))
        .send()
        .await
        .unwrap();
    let found = waiting.await.unwrap().unwrap();
    assert_eq!(
        found.template.unwrap().template_version.as_deref(),
        Some("v2")
    );

    let error = client
        .get_template()
        .template_name("quick")
        .template_version("v9")
        .wait_until_template_version_available()
        .min_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
        .max_wait(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.state(), Some("EntityNotExists.TemplateVersion"));
}

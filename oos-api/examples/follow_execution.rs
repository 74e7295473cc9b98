//! Starts an execution and follows it: its logs as they are written, then how it ended.
//!
//! ```sh
//! cargo run -p oos-api --example follow_execution
//! ```
//!
//! Runs against the loopback emulator, started in-process with a clock a hundred times
//! faster than real time: the template stores a parameter, sleeps, reads the parameter back
//! through `ACS::ExecuteAPI`, checks it with `ACS::CheckFor` and loops over three items.

use std::time::Duration;

use futures::TryStreamExt;
use oos_api::{Client, Config, Credentials};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Kept alive until the end: dropping it stops the emulator.
    let emulator = oos_emulator::Emulator::builder()
        .clock_speed(100.0)
        .start()
        .await?;
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new(
                oos_emulator::DEFAULT_ACCESS_KEY_ID,
                oos_emulator::DEFAULT_ACCESS_KEY_SECRET,
            ))
            .endpoint_url(emulator.url())
            .build(),
    );
    eprintln!(
        "emulator at {}, running 100 times faster than real time",
        emulator.url()
    );

    let oos = |api: &str, parameters: serde_json::Value| json!({"Service": "OOS", "API": api, "Parameters": parameters});
    let content = json!({
        "FormatVersion": "OOS-2019-06-01",
        "Description": "Stores a release marker, waits, then checks it and each server",
        "Parameters": {
            "release": {"Type": "String", "Default": "2024.06"},
            "servers": {"Type": "List", "Default": ["web-1", "web-2", "web-3"]},
        },
        "Tasks": [
            {"Name": "store", "Action": "ACS::ExecuteAPI",
             "Properties": oos("CreateParameter", json!({"Name": "/release/{{ ACS::ExecutionId }}", "Type": "String", "Value": "{{ release }}"}))},
            {"Name": "settle", "Action": "ACS::Sleep", "Properties": {"Duration": "PT2S"}},
            {"Name": "read", "Action": "ACS::ExecuteAPI",
             "Properties": oos("GetParameter", json!({"Name": "/release/{{ ACS::ExecutionId }}"})),
             "Outputs": {"release": {"Type": "String", "ValueSelector": ".Parameter.Value"}}},
            {"Name": "check", "Action": "ACS::CheckFor",
             "Properties": {
                 "Service": "OOS", "API": "GetParameter",
                 "Parameters": {"Name": "/release/{{ ACS::ExecutionId }}"},
                 "PropertySelector": ".Parameter.Value", "DesiredValues": ["{{ release }}"]}},
            {"Name": "each", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1S"},
             "Loop": {"Items": "{{ servers }}", "Concurrency": 2}},
        ],
        "Outputs": {"release": {"Type": "String", "Value": "{{ read.release }}"}},
    });
    client
        .create_template()
        .template_name("MyTemplate")
        .content(content.to_string())
        .send()
        .await?;

    let started = client
        .start_execution()
        .template_name("MyTemplate")
        .send()
        .await?;
    let id = started
        .execution
        .and_then(|e| e.execution_id)
        .ok_or("StartExecution answered without an execution id")?;
    eprintln!("started {id}");

    let mut logs = client
        .list_execution_logs()
        .execution_id(&id)
        .follow()
        .min_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(500));
    while let Some(log) = logs.try_next().await? {
        println!(
            "{}  {}",
            log.timestamp.as_deref().unwrap_or("-"),
            log.message.unwrap_or_default()
        );
    }

    let done = client
        .wait_until_execution_finished()
        .execution_id(&id)
        .max_wait(Duration::from_secs(60))
        .send()
        .await?;
    let execution = done
        .executions
        .and_then(|e| e.into_iter().next())
        .ok_or("ListExecutions no longer lists the execution")?;
    println!(
        "{id}: {} {}",
        execution.status.map(|s| s.to_string()).unwrap_or_default(),
        execution.outputs.unwrap_or_default()
    );
    Ok(())
}

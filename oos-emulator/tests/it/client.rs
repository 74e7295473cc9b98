//! The generated client against the emulator: every new action end to end, including a
//! retried `StartExecution` whose first answer was lost.

use oos_api::{Client, SignatureMethod};
use oos_emulator::test_util::client_for;
use oos_emulator::{Data, Emulator, Fault, FaultRule, RunningEmulator};
use serde_json::json;

fn client(emulator: &RunningEmulator) -> Client {
    client_for(emulator, SignatureMethod::Acs3HmacSha256)
}

async fn execution_ids(client: &Client, template: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut request = client
            .list_executions()
            .template_name(template)
            .max_results(2);
        if let Some(t) = token.take() {
            request = request.next_token(t);
        }
        let page = request.send().await.unwrap();
        ids.extend(
            page.executions
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| e.execution_id),
        );
        match page.next_token.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => return ids,
        }
    }
}

#[tokio::test]
async fn the_client_drives_every_action() {
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);

    let template = client
        .get_template()
        .template_name("ACS-ECS-RestartInstance")
        .send()
        .await
        .unwrap();
    assert!(template.content.unwrap().contains("stopInstance"));
    let templates = client.list_templates().send().await.unwrap();
    assert_eq!(templates.templates.unwrap().len(), 3);

    let started = client
        .start_execution()
        .template_name("ACS-ECS-RestartInstance")
        .parameters(json!({"instanceId": "i-1"}))
        .tags([("env", "test")])
        .send()
        .await
        .unwrap()
        .execution
        .unwrap();
    let id = started.execution_id.unwrap();
    assert_eq!(
        started.parameters.as_ref().and_then(|p| p.as_str()),
        Some(r#"{"instanceId":"i-1"}"#)
    );
    assert_eq!(started.tags.unwrap()["env"], "test");
    assert_eq!(
        execution_ids(&client, "RestartInstance").await,
        [id.clone(), "exec-demo-restart".to_owned()]
    );

    client
        .cancel_execution()
        .execution_id(&id)
        .send()
        .await
        .unwrap();
    let listed = client
        .list_executions()
        .execution_id(&id)
        .send()
        .await
        .unwrap();
    let listed = &listed.executions.unwrap()[0];
    assert_eq!(listed.status.as_ref().unwrap().as_str(), "Cancelled");
    client
        .delete_executions()
        .execution_ids([id.as_str(), "exec-demo-restart"])
        .send()
        .await
        .unwrap();
    assert!(execution_ids(&client, "RestartInstance").await.is_empty());
    let error = client
        .cancel_execution()
        .execution_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("EntityNotExists.Execution"), "{error:?}");
}

#[tokio::test]
async fn a_retried_start_execution_creates_one_execution() {
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    emulator.faults().add(
        FaultRule::new(Fault::ServerError(503))
            .for_action("StartExecution")
            .after_execution(),
    );
    let started = client
        .start_execution()
        .template_name("ACS-ECS-CheckDiskCategory")
        .parameters(serde_json::json!({"instanceId": "i-1"}))
        .send()
        .await
        .unwrap();
    let records = emulator.requests();
    let starts: Vec<_> = records
        .iter()
        .filter(|r| r.action.as_deref() == Some("StartExecution"))
        .collect();
    assert_eq!(starts.len(), 2, "{records:?}");
    assert!(starts.iter().all(|r| r.executed));
    assert_eq!(starts[0].status, Some(503));
    assert_eq!(
        execution_ids(&client, "CheckDiskCategory").await,
        [
            started.execution.unwrap().execution_id.unwrap(),
            "exec-demo-disk-check".to_owned()
        ]
    );
}

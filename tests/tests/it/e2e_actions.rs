//! Every generated action end to end against the emulator's in-memory OOS, with both
//! signature methods: paginators from the same runtime code, typed JSON parameters, string
//! enums, idempotency tokens, and errors.

use oos_api::service::CommonError;

use futures::TryStreamExt;
use oos_api::operation::delete_executions::DeleteExecutionsError;
use oos_api::operation::get_template::GetTemplateError;
use oos_api::operation::list_executions::{ExecutionStatus, Status};
use oos_api::operation::list_templates::ShareType;
use oos_api::operation::start_execution::StartExecutionMode as Mode;
use oos_api::{Client, Error, SignatureMethod};
use oos_emulator::test_util::client_for;
use oos_emulator::{Data, Emulator, Fault, FaultRule, RunningEmulator};
use serde_json::json;

fn client(emulator: &RunningEmulator, method: SignatureMethod) -> Client {
    client_for(emulator, method)
}

fn data() -> Data {
    let mut data = Data::new();
    for i in 0..25 {
        let content = json!({"FormatVersion": "OOS-2019-06-01", "Parameters": {"count": {"Type": "Number", "Default": 1}, "names": {"Type": "List", "Default": []}}, "Tasks": [{"Name": format!("task{i}"), "Action": "ACS::Sleep", "Properties": {"Duration": "PT1S"}}]});
        data = data.with_template(format!("Template-{i:02}"), content.to_string());
    }
    data
}

const METHODS: [SignatureMethod; 2] = [SignatureMethod::Acs3HmacSha256, SignatureMethod::HmacSha1];

#[tokio::test]
async fn templates_page_through_the_generic_paginator() {
    let emulator = Emulator::builder().data(data()).start().await.unwrap();
    for method in METHODS {
        let client = client(&emulator, method);
        let names: Vec<String> = client
            .list_templates()
            .sort_field("TemplateName")
            .sort_order("Ascending")
            .share_type(ShareType::Private)
            .into_paginator()
            .page_size(10)
            .items()
            .map_ok(|t| t.template_name.unwrap())
            .try_collect()
            .await
            .unwrap();
        let expected: Vec<String> = (0..25).map(|i| format!("Template-{i:02}")).collect();
        assert_eq!(names, expected, "{method:?}");

        let pages: Vec<_> = client
            .list_templates()
            .into_paginator()
            .page_size(10)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.len(), 3);

        let template = client
            .get_template()
            .template_name("Template-07")
            .send()
            .await
            .unwrap();
        assert!(template.content.unwrap().contains("task7"));
        assert_eq!(
            template.template.unwrap().template_name.as_deref(),
            Some("Template-07")
        );
    }
}

#[tokio::test]
async fn an_execution_lives_through_start_list_logs_cancel_and_delete() {
    let emulator = Emulator::builder().data(data()).start().await.unwrap();
    for method in METHODS {
        let client = client(&emulator, method);
        let execution = client
            .start_execution()
            .template_name("Template-03")
            .mode(Mode::Automatic)
            .parameters(json!({"count": 3, "names": ["a", "b"]}))
            .tags([("env", "test"), ("team", "sre")])
            .description("started by a test")
            .send()
            .await
            .unwrap()
            .execution
            .unwrap();
        let id = execution.execution_id.clone().unwrap();
        assert_eq!(execution.template_name.as_deref(), Some("Template-03"));
        assert_eq!(execution.mode.as_deref(), Some("Automatic"));
        let parameters: serde_json::Value = serde_json::from_str(
            execution
                .parameters
                .as_ref()
                .and_then(|p| p.as_str())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            parameters,
            json!({"count": 3, "names": ["a", "b"]}),
            "a JSON parameter arrives as sent"
        );
        assert_eq!(execution.tags.as_ref().unwrap()["team"], "sre");

        let logs: Vec<_> = client
            .list_execution_logs()
            .execution_id(&id)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert!(!logs.is_empty(), "a new execution has logs");

        let running: Vec<_> = client
            .list_executions()
            .status(Status::Running)
            .template_name("Template-03")
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(running.len(), 1);
        assert_eq!(running[0].status, Some(ExecutionStatus::Running));
        assert_eq!(running[0].tags.as_ref().unwrap()["env"], "test");

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
        assert_eq!(
            listed.executions.unwrap()[0].status,
            Some(ExecutionStatus::Cancelled)
        );

        client
            .delete_executions()
            .execution_ids([id.as_str()])
            .send()
            .await
            .unwrap();
        let listed = client
            .list_executions()
            .execution_id(&id)
            .send()
            .await
            .unwrap();
        assert_eq!(listed.executions.map(|e| e.len()), Some(0));
    }
}

#[tokio::test]
async fn start_execution_fills_its_client_token_so_a_lost_answer_is_retried_safely() {
    let emulator = Emulator::builder().data(data()).start().await.unwrap();
    let client = client(&emulator, SignatureMethod::Acs3HmacSha256);
    emulator.faults().add(
        FaultRule::new(Fault::DropConnection)
            .for_action("StartExecution")
            .after_execution(),
    );
    let started = client
        .start_execution()
        .template_name("Template-01")
        .send()
        .await
        .unwrap();
    let id = started.execution.unwrap().execution_id.unwrap();
    let all: Vec<_> = client
        .list_executions()
        .template_name("Template-01")
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.len(),
        1,
        "the retry returned the execution the lost answer created"
    );
    assert_eq!(all[0].execution_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        emulator
            .requests()
            .iter()
            .filter(|r| r.action.as_deref() == Some("StartExecution"))
            .count(),
        2
    );
}

#[tokio::test]
async fn delete_executions_without_a_token_is_not_retried_once_the_service_saw_it() {
    let emulator = Emulator::builder().data(data()).start().await.unwrap();
    let client = client(&emulator, SignatureMethod::HmacSha1);
    let id = client
        .start_execution()
        .template_name("Template-02")
        .send()
        .await
        .unwrap()
        .execution
        .unwrap()
        .execution_id
        .unwrap();
    client
        .cancel_execution()
        .execution_id(&id)
        .send()
        .await
        .unwrap();
    emulator.faults().add(
        FaultRule::new(Fault::ServerError(503))
            .for_action("DeleteExecutions")
            .after_execution(),
    );
    let result = client
        .delete_executions()
        .execution_ids([id.as_str()])
        .send()
        .await;
    assert!(
        matches!(
            result,
            Err(Error::Service(DeleteExecutionsError::Common(
                CommonError::ServiceUnavailable(_)
            )))
        ),
        "{result:?}"
    );
    let deletes = emulator
        .requests()
        .iter()
        .filter(|r| r.action.as_deref() == Some("DeleteExecutions"))
        .count();
    assert_eq!(deletes, 1);
}

#[tokio::test]
async fn documented_codes_are_typed_and_others_unhandled_with_their_metadata() {
    let emulator = Emulator::builder().data(data()).start().await.unwrap();
    let client = client(&emulator, SignatureMethod::Acs3HmacSha256);
    match client.get_template().template_name("Nope").send().await {
        Err(Error::Service(GetTemplateError::EntityNotExistsTemplate(m))) => {
            assert_eq!(m.code(), "EntityNotExists.Template");
            assert_eq!(m.http_status(), 404);
            assert!(m.request_id().is_some());
        }
        other => panic!("expected EntityNotExistsTemplate, got {other:?}"),
    }
    // A code no spec documents, as a newer service might send it.
    emulator.faults().add(
        FaultRule::new(Fault::NonJson {
            status: 409,
            body: r#"{"RequestId":"r-9","Code":"Brand.New","Message":"m"}"#.into(),
        })
        .for_action("GetTemplate"),
    );
    match client
        .get_template()
        .template_name("Template-01")
        .send()
        .await
    {
        // An undocumented code: no variant of its own, read through `code()`.
        Err(Error::Service(e)) if !matches!(e, GetTemplateError::Common(_)) => {
            let m = e.metadata();
            assert_eq!((e.code(), m.http_status()), ("Brand.New", 409));
            // The variant cannot be named, but it shows in `Debug`: no documented one took it.
            assert!(format!("{e:?}").starts_with("Unhandled("), "{e:?}");
            assert_eq!(m.request_id(), Some("r-9"));
        }
        other => panic!("expected an unhandled service error, got {other:?}"),
    }
    match client.get_template().send().await {
        Err(Error::Construction(e)) => assert_eq!(e.parameter(), "TemplateName"),
        other => panic!("expected a construction error, got {other:?}"),
    }
}

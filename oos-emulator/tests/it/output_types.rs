//! Every action's answer parses into the client's generated output type and holds no
//! field that type does not declare (it serializes back to the same JSON), and has the
//! shape of the sample on the action's reference page.

use crate::common;

use common::ok;
use oos_api::operation::{
    cancel_execution::CancelExecutionOutput, delete_executions::DeleteExecutionsOutput,
    get_template::GetTemplateOutput, list_execution_logs::ListExecutionLogsOutput,
    list_executions::ListExecutionsOutput, list_templates::ListTemplatesOutput,
    start_execution::StartExecutionOutput,
};
use oos_emulator::{Data, Emulator, RunningEmulator};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Parses `body` as `T` and checks that nothing was lost or added.
fn round_trips<T: DeserializeOwned + Serialize>(body: &Value) {
    let parsed: T =
        serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body:#}"));
    assert_eq!(&serde_json::to_value(&parsed).unwrap(), body);
}

/// The sample answer of the action's reference page.
fn sample(action: &str) -> Value {
    let path = format!("{}/../docs/oos/{action}.txt", env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(&path).unwrap();
    let start = page.find("Sample success response JSON").unwrap();
    let start = start + page[start..].find('{').unwrap();
    let end = start + page[start..].find("\nError codes").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

/// The field names of a JSON value, recursively; maps of the caller's choosing (tags,
/// counters, parameters) and leaf values count only by their JSON type.
fn shape(value: &Value) -> Value {
    const MAPS: &[&str] = &["Tags", "Counters", "Parameters"];
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let shape = if MAPS.contains(&k.as_str()) && v.is_object() {
                        json!("map")
                    } else {
                        shape(v)
                    };
                    (k.clone(), shape)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
        Value::Null => json!("null"),
    }
}

async fn demo() -> RunningEmulator {
    Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn answers_are_the_generated_types_and_the_page_samples() {
    let emulator = demo().await;
    let started = ok(
        &emulator,
        "StartExecution",
        &[
            ("TemplateName", "ACS-ECS-RestartInstance"),
            ("Parameters", r#"{"instanceId":"i-1"}"#),
            ("Tags", r#"{"env":"test"}"#),
            ("ParentExecutionId", "exec-demo-disk-check"),
        ],
    )
    .await;
    round_trips::<StartExecutionOutput>(&started);
    assert_eq!(shape(&started), shape(&sample("StartExecution")));
    let id = started["Execution"]["ExecutionId"].as_str().unwrap();

    let answers = [
        (
            "GetTemplate",
            ok(
                &emulator,
                "GetTemplate",
                &[("TemplateName", "nightly-patching")],
            )
            .await,
        ),
        (
            "ListTemplates",
            ok(&emulator, "ListTemplates", &[("MaxResults", "1")]).await,
        ),
        (
            "ListExecutions",
            ok(&emulator, "ListExecutions", &[("MaxResults", "1")]).await,
        ),
    ];
    for (action, body) in &answers {
        assert_eq!(shape(body), shape(&sample(action)), "{action}: {body:#}");
    }
    round_trips::<GetTemplateOutput>(&answers[0].1);
    round_trips::<ListTemplatesOutput>(&answers[1].1);
    round_trips::<ListExecutionsOutput>(&answers[2].1);

    // Every record of the demo, not only the first of each list.
    let templates = ok(&emulator, "ListTemplates", &[]).await;
    round_trips::<ListTemplatesOutput>(&templates);
    for name in ["ACS-ECS-CheckDiskCategory", "ACS-ECS-RestartInstance"] {
        round_trips::<GetTemplateOutput>(
            &ok(&emulator, "GetTemplate", &[("TemplateName", name)]).await,
        );
    }
    let executions = ok(&emulator, "ListExecutions", &[]).await;
    assert_eq!(executions["TotalCount"], 4);
    round_trips::<ListExecutionsOutput>(&executions);
    let logs = ok(&emulator, "ListExecutionLogs", &[("ExecutionId", id)]).await;
    round_trips::<ListExecutionLogsOutput>(&logs);

    let cancelled = ok(&emulator, "CancelExecution", &[("ExecutionId", id)]).await;
    round_trips::<CancelExecutionOutput>(&cancelled);
    assert_eq!(shape(&cancelled), shape(&sample("CancelExecution")));
    round_trips::<ListExecutionsOutput>(&ok(&emulator, "ListExecutions", &[]).await);
    let ids = json!([id]).to_string();
    let deleted = ok(&emulator, "DeleteExecutions", &[("ExecutionIds", &ids)]).await;
    round_trips::<DeleteExecutionsOutput>(&deleted);
    assert_eq!(shape(&deleted), shape(&sample("DeleteExecutions")));
}

#[tokio::test]
async fn loaded_metadata_round_trips_too() {
    let data = Data::from_json(
        &json!({
            "templates": [{
                "TemplateName": "odd", "Content": "{}", "TemplateFormat": "XML",
                "ShareType": "Shared", "Popularity": 3, "TotalExecutionCount": 7,
                "Tags": {"a": "b"}, "Constraints": "{\"x\":1}", "IsFavorite": true,
            }],
            "executions": [{
                "ExecutionId": "exec-odd", "Status": "Paused", "Category": "Weird",
                "SafetyCheck": "Sometimes", "Counters": {"Paused": 1},
                "Parameters": {"list": [1, 2], "flag": true, "text": "x"},
                "CurrentTasks": [{"TaskName": "t", "TaskAction": "ACS::Sleep", "TaskExecutionId": "exec-odd.t0001"}],
            }],
        })
        .to_string(),
    )
    .unwrap();
    let emulator = Emulator::builder().data(data).start().await.unwrap();
    let executions = ok(&emulator, "ListExecutions", &[]).await;
    round_trips::<ListExecutionsOutput>(&executions);
    assert_eq!(
        executions["Executions"][0]["Parameters"],
        json!({"list": [1, 2], "flag": true, "text": "x"}),
        "template parameters are served as given; the client keeps them as free-form JSON"
    );
    round_trips::<ListTemplatesOutput>(&ok(&emulator, "ListTemplates", &[]).await);
    round_trips::<GetTemplateOutput>(
        &ok(&emulator, "GetTemplate", &[("TemplateName", "odd")]).await,
    );
    let started = ok(&emulator, "StartExecution", &[("TemplateName", "odd")]).await;
    round_trips::<StartExecutionOutput>(&started);
}

//! `ListExecutionLogs` over real HTTP: paging, token binding, errors, data served verbatim.

use crate::common;

use common::{emulator, Rpc, V3};
use oos_emulator::{Data, Emulator};
use serde_json::{json, Value};

async fn page(emulator: &oos_emulator::RunningEmulator, params: &[(&str, &str)]) -> common::Answer {
    V3::new(emulator, params).send().await
}

#[tokio::test]
async fn pages_137_logs_by_10() {
    let emulator = emulator().await;
    let mut token: Option<String> = None;
    let mut messages = Vec::new();
    let mut pages = 0;
    loop {
        let mut params = vec![("ExecutionId", "exec-1"), ("MaxResults", "10")];
        if let Some(t) = &token {
            params.push(("NextToken", t.as_str()));
        }
        // Alternate signature methods: tokens do not depend on how a request is signed.
        let answer = if pages % 2 == 0 {
            page(&emulator, &params).await
        } else {
            Rpc::new(&emulator, &params).send().await
        };
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.body["MaxResults"], 10);
        let logs = answer.body["ExecutionLogs"].as_array().unwrap();
        assert_eq!(logs.len(), if pages < 13 { 10 } else { 7 });
        messages.extend(
            logs.iter()
                .map(|l| l["Message"].as_str().unwrap().to_owned()),
        );
        pages += 1;
        match answer
            .body
            .get("NextToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 14);
    assert_eq!(
        messages,
        (0..137).map(|i| format!("log {i}")).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn default_page_size_and_verbatim_logs() {
    let odd = json!({"Timestamp": "2019-05-24T02:29:07Z", "Message": "hi", "LogType": "Info", "Nested": {"a": [1, 2.5, null]}});
    let data = Data::new()
        .with_execution("exec-odd", vec![odd.clone()])
        .with_execution("exec-60", common::logs(60));
    let emulator = Emulator::builder().data(data).start().await.unwrap();
    let answer = page(&emulator, &[("ExecutionId", "exec-odd")]).await;
    assert_eq!(answer.body["ExecutionLogs"], json!([odd]));
    assert_eq!(answer.body["MaxResults"], 50);
    assert!(answer.body.get("NextToken").is_none());
    let answer = page(&emulator, &[("ExecutionId", "exec-60")]).await;
    assert_eq!(answer.body["ExecutionLogs"].as_array().unwrap().len(), 50);
    assert!(answer.body["NextToken"].is_string());
    assert!(answer.body["RequestId"].is_string());
}

#[tokio::test]
async fn demo_data_is_served() {
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    let answer = page(&emulator, &[("ExecutionId", "exec-demo-disk-check")]).await;
    assert_eq!(answer.body["ExecutionLogs"].as_array().unwrap().len(), 30);
    let answer = page(&emulator, &[("ExecutionId", "exec-demo-restart")]).await;
    assert_eq!(
        answer.body["ExecutionLogs"][11]["Message"],
        "Execution failed."
    );
}

#[tokio::test]
async fn parameter_errors() {
    let emulator = emulator().await;
    let answer = page(&emulator, &[]).await;
    answer.assert_error(400, "MissingParameter");
    assert!(answer.message().contains("\"ExecutionId\""));
    for bad in ["0", "101", "abc", "-5"] {
        page(&emulator, &[("ExecutionId", "exec-1"), ("MaxResults", bad)])
            .await
            .assert_error(400, "InvalidParameter");
    }
    assert_eq!(
        page(
            &emulator,
            &[("ExecutionId", "exec-1"), ("MaxResults", "100")]
        )
        .await
        .status,
        200
    );
    let answer = page(&emulator, &[("ExecutionId", "exec-nope")]).await;
    answer.assert_error(404, "EntityNotExists.Execution");
    assert_eq!(
        answer.message(),
        "The specific execution exec-nope does not exist."
    );
}

#[tokio::test]
async fn tokens_are_bound_to_the_query() {
    let emulator = emulator().await;
    let first = page(
        &emulator,
        &[("ExecutionId", "exec-1"), ("MaxResults", "10")],
    )
    .await;
    let token = first.body["NextToken"].as_str().unwrap().to_owned();
    for changed in [
        [("ExecutionId", "exec-2"), ("MaxResults", "10")],
        [("ExecutionId", "exec-1"), ("MaxResults", "20")],
    ] {
        let params = [changed[0], changed[1], ("NextToken", token.as_str())];
        page(&emulator, &params)
            .await
            .assert_error(400, "InvalidNextTokenQuery");
    }
    let omitted = [("ExecutionId", "exec-1"), ("NextToken", token.as_str())];
    page(&emulator, &omitted)
        .await
        .assert_error(400, "InvalidNextTokenQuery");
    // A token may be used again with the same query: pages are a function of the query.
    let again = [
        ("ExecutionId", "exec-1"),
        ("MaxResults", "10"),
        ("NextToken", token.as_str()),
    ];
    let second = page(&emulator, &again).await;
    assert_eq!(second.body["ExecutionLogs"][0]["Message"], "log 10");
}

#[tokio::test]
async fn forged_tokens_are_invalid() {
    let emulator = emulator().await;
    let other = common::emulator().await;
    let foreign = page(&other, &[("ExecutionId", "exec-1"), ("MaxResults", "10")]).await;
    let foreign = foreign.body["NextToken"].as_str().unwrap().to_owned();
    let mine = page(
        &emulator,
        &[("ExecutionId", "exec-1"), ("MaxResults", "10")],
    )
    .await;
    let mine = mine.body["NextToken"].as_str().unwrap().to_owned();
    let mut flipped = mine.clone().into_bytes();
    flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    for bad in [
        foreign.as_str(),
        flipped.as_str(),
        "MTRBMDc0NjAtRUJFNy00N0NBLTk3NTctMTJDQzQ3NjFENDdB",
        "%%%",
        "x",
    ] {
        let params = [
            ("ExecutionId", "exec-1"),
            ("MaxResults", "10"),
            ("NextToken", bad),
        ];
        page(&emulator, &params)
            .await
            .assert_error(400, "InvalidNextToken");
    }
}

//! Fault injection over real HTTP: each kind, targeting, timing, counting, randomness.

use crate::common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::{emulator, V3};
use oos_emulator::{Fault, FaultRule, RunningEmulator, ThrottlingCode};
use serde_json::Value;

const Q: &[(&str, &str)] = &[("ExecutionId", "exec-2")];

async fn call(emulator: &RunningEmulator) -> common::Answer {
    V3::new(emulator, Q).send().await
}

/// Sends a signed request over a plain socket and returns everything the server sent.
async fn raw_exchange(emulator: &RunningEmulator) -> Vec<u8> {
    let bytes = V3::new(emulator, Q).raw();
    let addr = emulator.addr();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(&bytes).unwrap();
        let mut received = Vec::new();
        let _ = stream.read_to_end(&mut received);
        received
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn throttling_codes_and_retry_after() {
    let emulator = emulator().await;
    emulator
        .faults()
        .inject(Fault::Throttling(ThrottlingCode::User));
    emulator
        .faults()
        .inject(Fault::Throttling(ThrottlingCode::Throttling));
    emulator
        .faults()
        .inject(Fault::Throttling(ThrottlingCode::Api));
    emulator.faults().inject(Fault::RetryAfter(1500));
    assert_eq!(emulator.faults().pending(), 4);
    call(&emulator).await.assert_error(400, "Throttling.User");
    call(&emulator).await.assert_error(400, "Throttling");
    call(&emulator).await.assert_error(400, "Throttling.Api");
    let answer = call(&emulator).await;
    answer.assert_error(400, "Throttling.User");
    assert_eq!(answer.headers["x-acs-retry-after"], "1500");
    assert_eq!(call(&emulator).await.status, 200);
    assert_eq!(emulator.faults().injected(), 4);
    let records = emulator.requests();
    assert_eq!(
        records[0].fault,
        Some(Fault::Throttling(ThrottlingCode::User))
    );
    assert!(!records[0].executed && records[0].answered);
    assert_eq!(records[0].error_code.as_deref(), Some("Throttling.User"));
    assert!(records[4].fault.is_none() && records[4].executed);
}

#[tokio::test]
async fn server_errors() {
    let emulator = emulator().await;
    for status in [503, 500, 502, 200, 9999] {
        emulator.faults().inject(Fault::ServerError(status));
    }
    call(&emulator)
        .await
        .assert_error(503, "ServiceUnavailable");
    call(&emulator).await.assert_error(500, "InternalError");
    call(&emulator).await.assert_error(502, "InternalError");
    call(&emulator).await.assert_error(500, "InternalError");
    call(&emulator).await.assert_error(500, "InternalError");
    assert!(emulator.requests().iter().all(|r| !r.executed));
}

#[tokio::test]
async fn after_execution_records_that_the_action_ran() {
    let emulator = emulator().await;
    emulator
        .faults()
        .add(FaultRule::new(Fault::ServerError(503)).after_execution());
    emulator
        .faults()
        .add(FaultRule::new(Fault::DropConnection).after_execution());
    emulator.faults().inject(Fault::DropConnection);
    call(&emulator)
        .await
        .assert_error(503, "ServiceUnavailable");
    assert!(V3::new(&emulator, Q).request().send().await.is_err());
    assert!(V3::new(&emulator, Q).request().send().await.is_err());
    let records = emulator.requests();
    assert_eq!(
        records.iter().map(|r| r.executed).collect::<Vec<_>>(),
        [true, true, false]
    );
    assert_eq!(
        records.iter().map(|r| r.answered).collect::<Vec<_>>(),
        [true, false, false]
    );
    assert_eq!(records[1].status, None);
    assert_eq!(records[1].action.as_deref(), Some("ListExecutionLogs"));
}

#[tokio::test]
async fn slow_delays_then_answers() {
    let emulator = emulator().await;
    emulator
        .faults()
        .inject(Fault::Slow(Duration::from_millis(300)));
    emulator
        .faults()
        .add(FaultRule::new(Fault::Slow(Duration::from_millis(300))).after_execution());
    for _ in 0..2 {
        let start = Instant::now();
        let answer = call(&emulator).await;
        assert!(start.elapsed() >= Duration::from_millis(300));
        assert_eq!(answer.status, 200);
    }
    let start = Instant::now();
    call(&emulator).await;
    assert!(start.elapsed() < Duration::from_millis(300));
    assert!(emulator.requests().iter().all(|r| r.executed && r.answered));
}

#[tokio::test]
async fn dropped_connection_gives_no_answer() {
    let emulator = emulator().await;
    emulator.faults().inject_n(Fault::DropConnection, 2);
    let error = V3::new(&emulator, Q).request().send().await.unwrap_err();
    assert!(!error.is_status(), "{error}");
    assert_eq!(raw_exchange(&emulator).await.len(), 0);
    // The connection is gone, the server is not.
    assert_eq!(call(&emulator).await.status, 200);
}

#[tokio::test]
async fn non_json_pages() {
    let emulator = emulator().await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    emulator.faults().inject(Fault::NonJson {
        status: 502,
        body: html.into(),
    });
    emulator.faults().inject(Fault::NonJson {
        status: 42,
        body: String::new(),
    });
    let answer = call(&emulator).await;
    assert_eq!(answer.status, 502);
    assert_eq!(answer.text, html);
    assert!(answer.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(call(&emulator).await.status, 502);
}

#[tokio::test]
async fn truncated_bodies() {
    let emulator = emulator().await;
    emulator.faults().inject(Fault::Truncated);
    let response = V3::new(&emulator, Q).request().send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err());

    emulator.faults().inject(Fault::Truncated);
    let received = raw_exchange(&emulator).await;
    let text = String::from_utf8(received).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let declared: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    assert!(
        !body.is_empty() && body.len() < declared,
        "{} of {declared}",
        body.len()
    );
    assert!(body.starts_with("{\""));
    assert!(serde_json::from_str::<Value>(body).is_err());
    // An error answer is cut short too, keeping its status.
    emulator.faults().inject(Fault::Truncated);
    let missing = V3::new(&emulator, &[("ExecutionId", "exec-nope")]).request();
    let response = missing.send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.bytes().await.is_err());
    let records = emulator.requests();
    assert!(records.iter().all(|r| r.executed && !r.answered));
    assert_eq!(
        records.iter().map(|r| r.status).collect::<Vec<_>>(),
        [Some(200), Some(200), Some(404)]
    );
}

#[tokio::test]
async fn repeat_token_waits_for_a_token_and_repeats_it() {
    let emulator = emulator().await;
    emulator.faults().inject(Fault::RepeatToken);
    let params = [("ExecutionId", "exec-1"), ("MaxResults", "10")];
    let first = V3::new(&emulator, &params).send().await;
    assert_eq!(
        emulator.faults().pending(),
        1,
        "a first page has no token to repeat"
    );
    let token = first.body["NextToken"].as_str().unwrap().to_owned();
    let with_token = [params[0], params[1], ("NextToken", token.as_str())];
    let second = V3::new(&emulator, &with_token).send().await;
    assert_eq!(second.status, 200);
    assert_eq!(second.body["NextToken"], token.as_str());
    assert_eq!(second.body["ExecutionLogs"][0]["Message"], "log 10");
    let third = V3::new(&emulator, &with_token).send().await;
    assert_ne!(third.body["NextToken"], token.as_str());
    assert_eq!(emulator.faults().injected(), 1);
}

#[tokio::test]
async fn rules_target_actions_and_counts() {
    let emulator = emulator().await;
    emulator.faults().add(
        FaultRule::new(Fault::ServerError(500))
            .for_action("StartExecution")
            .times(5),
    );
    emulator.faults().add(
        FaultRule::new(Fault::Throttling(ThrottlingCode::User))
            .for_action("ListExecutionLogs")
            .times(2),
    );
    call(&emulator).await.assert_error(400, "Throttling.User");
    call(&emulator).await.assert_error(400, "Throttling.User");
    assert_eq!(call(&emulator).await.status, 200);
    assert_eq!(emulator.faults().pending(), 5);
    emulator.faults().clear();
    assert_eq!(emulator.faults().pending(), 0);
}

#[tokio::test]
async fn invalid_requests_are_not_faulted() {
    let emulator = emulator().await;
    emulator.faults().inject(Fault::DropConnection);
    let mut bad = V3::new(&emulator, Q);
    bad.secret = "nope".into();
    bad.send().await.assert_error(400, "SignatureDoesNotMatch");
    assert_eq!(emulator.faults().pending(), 1);
    assert_eq!(emulator.faults().injected(), 0);
}

#[tokio::test]
async fn random_faults_are_reproducible() {
    async fn run(seed: u64) -> Vec<u16> {
        let emulator = emulator().await;
        let kinds = vec![
            Fault::Throttling(ThrottlingCode::User),
            Fault::ServerError(503),
            Fault::RepeatToken,
        ];
        emulator.faults().random(seed, 0.5, kinds);
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(call(&emulator).await.status);
        }
        assert_eq!(
            emulator.faults().injected() as usize,
            statuses.iter().filter(|s| **s != 200).count()
        );
        statuses
    }
    let first = run(42).await;
    assert_eq!(first, run(42).await);
    assert!(
        first.contains(&200) && first.contains(&400) && first.contains(&503),
        "{first:?}"
    );
}

//! The server itself: addresses, size limits, request records, stopping.

use crate::common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::{emulator, Rpc, V3};
use oos_emulator::{Data, Emulator};

#[tokio::test]
async fn listens_on_loopback_with_a_free_port() {
    let emulator = emulator().await;
    assert!(emulator.addr().ip().is_loopback());
    assert_ne!(emulator.addr().port(), 0);
    assert_eq!(
        emulator.url(),
        format!("http://127.0.0.1:{}", emulator.addr().port())
    );
    let explicit = Emulator::builder()
        .listen("127.0.0.1:0".parse().unwrap())
        .start()
        .await
        .unwrap();
    assert_ne!(explicit.addr().port(), emulator.addr().port());
}

#[tokio::test]
async fn oversized_requests_get_413() {
    let emulator = Emulator::builder()
        .data(Data::new().with_execution("exec-1", common::logs(1)))
        .max_request_bytes(2048)
        .start()
        .await
        .unwrap();
    let long = "x".repeat(3000);
    let big_body = V3::new(&emulator, &[("ExecutionId", &long)]).form_body();
    big_body
        .send()
        .await
        .assert_error(413, "RequestEntityTooLarge");
    let huge_body = V3::new(&emulator, &[("ExecutionId", &"y".repeat(1 << 20))]).form_body();
    huge_body
        .send()
        .await
        .assert_error(413, "RequestEntityTooLarge");
    let big_query = V3::new(&emulator, &[("ExecutionId", &long)]);
    big_query
        .send()
        .await
        .assert_error(413, "RequestEntityTooLarge");
    let huge_query = V3::new(&emulator, &[("ExecutionId", &"z".repeat(60_000))]);
    huge_query
        .send()
        .await
        .assert_error(413, "RequestEntityTooLarge");
    let small = V3::new(&emulator, &[("ExecutionId", "exec-1")]).form_body();
    assert_eq!(small.send().await.status, 200);
    let record = &emulator.requests()[0];
    assert_eq!(
        (record.status, record.error_code.as_deref()),
        (Some(413), Some("RequestEntityTooLarge"))
    );
}

#[tokio::test]
async fn records_every_request() {
    let emulator = emulator().await;
    assert_eq!(emulator.request_count(), 0);
    V3::new(&emulator, &[("ExecutionId", "exec-2")])
        .send()
        .await;
    Rpc::new(&emulator, &[("ExecutionId", "nope")]).send().await;
    assert_eq!(emulator.request_count(), 2);
    let records = emulator.requests();
    assert_eq!(
        records[1].error_code.as_deref(),
        Some("EntityNotExists.Execution")
    );
    assert_eq!(records[1].status, Some(404));
    assert!(records[1].executed, "the action ran and found nothing");
}

#[tokio::test]
async fn garbage_is_answered_not_panicked_on() {
    let emulator = emulator().await;
    let client = common::client();
    let url = emulator.url();
    for (method, path, content_type, body) in [
        ("GET", "/?%%%&&==&Action", None, Vec::new()),
        (
            "POST",
            "/",
            Some("application/x-www-form-urlencoded"),
            vec![0xff, 0xfe, b'=', b'&'],
        ),
        (
            "PUT",
            "/some/path",
            Some("application/json"),
            b"{\"Action\": 1}".to_vec(),
        ),
        (
            "DELETE",
            "/?Signature=abc&Action=ListExecutionLogs&Version=2019-06-01",
            None,
            Vec::new(),
        ),
    ] {
        let mut request = client
            .request(method.parse().unwrap(), format!("{url}{path}"))
            .body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let answer = common::answer(
            request
                .header(
                    "authorization",
                    reqwest::header::HeaderValue::from_bytes(b"ACS3-HMAC-SHA256 \xff,=").unwrap(),
                )
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, 400, "{}", answer.text);
    }
    assert_eq!(
        V3::new(&emulator, &[("ExecutionId", "exec-2")])
            .send()
            .await
            .status,
        200
    );
}

async fn refuses_connections(addr: std::net::SocketAddr) -> bool {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn dropping_stops_it_and_closes_connections() {
    let emulator = emulator().await;
    let addr = emulator.addr();
    let idle = std::net::TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    drop(emulator);
    assert!(refuses_connections(addr).await);
    let closed = tokio::task::spawn_blocking(move || {
        let mut idle = idle;
        matches!(idle.read(&mut [0u8; 16]), Ok(0) | Err(_))
    });
    assert!(closed.await.unwrap());
}

#[tokio::test]
async fn shutdown_stops_it() {
    let emulator = emulator().await;
    let addr = emulator.addr();
    assert_eq!(
        V3::new(&emulator, &[("ExecutionId", "exec-2")])
            .send()
            .await
            .status,
        200
    );
    emulator.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn serves_concurrent_clients_and_new_data() {
    let emulator = emulator().await;
    let calls = (0..40).map(|i| {
        let request = if i % 2 == 0 {
            V3::new(&emulator, &[("ExecutionId", "exec-1"), ("MaxResults", "7")]).send_owned()
        } else {
            Box::pin(Rpc::new(&emulator, &[("ExecutionId", "exec-2")]).send_owned())
        };
        tokio::spawn(request)
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(call.await.unwrap().status, 200);
    }
    assert_eq!(emulator.request_count(), 40);
    emulator.replace_data(Data::new().with_execution("exec-new", common::logs(1)));
    assert_eq!(
        Rpc::new(&emulator, &[("ExecutionId", "exec-new")])
            .send()
            .await
            .status,
        200
    );
    let gone = Rpc::new(&emulator, &[("ExecutionId", "exec-1")])
        .send()
        .await;
    gone.assert_error(404, "EntityNotExists.Execution");
}

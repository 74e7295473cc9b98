//! End-to-end behaviour of the client against a scripted loopback HTTP server: wire format,
//! signatures as a server recomputes them, retries, timeouts, body caps and pagination.

use oos_api::service::CommonError;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use oos_api::action::{Action, ServiceError};
use oos_api::operation::list_execution_logs::{ListExecutionLogsError, ListExecutionLogsInput};
use oos_api::params::Params;
use oos_api::signing::{acs3, rpc};
use oos_api::{
    BuildError, Client, Config, Credentials, Error, ErrorMetadata, RetryPolicy, SignatureMethod,
};
use percent_encoding::percent_decode_str;

// ---------------------------------------------------------------------------------------------
// The scripted server

/// What the server does with one request.
#[derive(Clone)]
enum Reply {
    /// Answers with this status, extra headers and body.
    Json(u16, Vec<(&'static str, String)>, String),
    /// Waits, then answers 200 `{}`.
    Slow(Duration),
    /// Promises a longer body than it sends, then closes.
    Truncated,
    /// Sends a chunked body of this many bytes.
    Chunked(usize),
}

fn ok(body: &str) -> Reply {
    Reply::Json(200, vec![], body.to_owned())
}

fn error(status: u16, code: &str) -> Reply {
    Reply::Json(
        status,
        vec![],
        format!(r#"{{"RequestId":"req-{code}","HostId":"h","Code":"{code}","Message":"m"}}"#),
    )
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    raw_query: String,
    query: BTreeMap<String, String>,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
    at: Instant,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            let mut script = script.into_iter();
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let reply = script
                    .next()
                    .unwrap_or_else(|| error(500, "ScriptExhausted"));
                let log = Arc::clone(&log);
                thread::spawn(move || serve(stream, reply, &log));
            }
        });
        Self { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

fn decode(s: &str) -> String {
    percent_decode_str(s)
        .decode_utf8()
        .expect("utf-8")
        .into_owned()
}

fn serve(mut stream: TcpStream, reply: Reply, log: &Mutex<Vec<Seen>>) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or("").split(' ');
    let method = start.next().unwrap_or("").to_owned();
    let target = start.next().unwrap_or("").to_owned();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if stream.read_exact(&mut body).is_err() {
        return;
    }
    let (path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
    let query = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    log.lock().expect("lock").push(Seen {
        method,
        path: path.to_owned(),
        raw_query: raw_query.to_owned(),
        query,
        headers,
        body,
        at: Instant::now(),
    });

    let respond = |stream: &mut TcpStream, status: u16, extra: &[(&str, String)], body: &str| {
        let mut out = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nConnection: close\r\n"
        );
        for (k, v) in extra {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        let _ = stream.write_all(out.as_bytes());
    };
    match reply {
        Reply::Json(status, extra, body) => respond(&mut stream, status, &extra, &body),
        Reply::Slow(delay) => {
            thread::sleep(delay);
            respond(&mut stream, 200, &[], "{}");
        }
        Reply::Truncated => {
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 100\r\n\r\n{\"Req",
            );
        }
        Reply::Chunked(size) => {
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
            );
            let chunk = vec![b' '; 1000];
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len());
                let _ = stream.write_all(format!("{n:x}\r\n").as_bytes());
                let _ = stream.write_all(&chunk[..n]);
                if stream.write_all(b"\r\n").is_err() {
                    return;
                }
                left -= n;
            }
            let _ = stream.write_all(b"0\r\n\r\n");
        }
    }
    let _ = stream.flush();
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn config(server: &Server) -> oos_api::ConfigBuilder {
    Config::builder()
        .endpoint_url(&server.url)
        .credentials(Credentials::new("AKID", "secret"))
        .retry_policy(RetryPolicy::standard().initial_backoff(Duration::from_millis(1)))
}

fn logs_input() -> ListExecutionLogsInput {
    ListExecutionLogsInput::default().execution_id("exec-1")
}

/// Recomputes the V3 signature from what reached the server.
fn assert_v3_signed(seen: &Seen, secret: &str) {
    let query: Vec<(&str, &str)> = seen
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = seen
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let hashed = acs3::hashed_payload(&seen.body);
    assert_eq!(seen.headers.get("x-acs-content-sha256"), Some(&hashed));
    let (canonical, signed) =
        acs3::canonical_request(&seen.method, &seen.path, &query, &headers, &hashed);
    let signature = acs3::signature(secret, &acs3::string_to_sign(&canonical));
    let id = seen.headers["authorization"]
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("credential");
    assert_eq!(
        seen.headers["authorization"],
        acs3::authorization(id, &signed, &signature)
    );
}

// ---------------------------------------------------------------------------------------------
// Wire format and signatures

#[tokio::test]
async fn v3_wire_format() {
    let server = Server::start(vec![ok(
        r#"{"RequestId":"r1","ExecutionLogs":[{"Message":"hello"}]}"#,
    )]);
    let client = Client::new(config(&server).build());
    let out = client
        .list_execution_logs()
        .execution_id("exec 1/*")
        .max_results(5)
        .send()
        .await
        .expect("ok");
    assert_eq!(out.request_id.as_deref(), Some("r1"));
    assert_eq!(
        out.execution_logs.expect("logs")[0].message.as_deref(),
        Some("hello")
    );

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
    assert!(r.body.is_empty());
    assert_eq!(r.raw_query, "ExecutionId=exec%201%2F%2A&MaxResults=5");
    assert_eq!(
        r.headers.get("x-acs-action").map(String::as_str),
        Some("ListExecutionLogs")
    );
    assert_eq!(
        r.headers.get("x-acs-version").map(String::as_str),
        Some("2019-06-01")
    );
    assert_eq!(
        r.headers.get("host"),
        Some(&server.url.trim_start_matches("http://").to_owned())
    );
    assert!(r
        .headers
        .get("x-acs-date")
        .is_some_and(|d| d.len() == 20 && d.ends_with('Z')));
    assert!(r
        .headers
        .get("x-acs-signature-nonce")
        .is_some_and(|n| n.len() == 32));
    assert!(!r.headers.contains_key("x-acs-security-token"));
    assert!(r.headers["authorization"]
        .starts_with("ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=host;"));
    assert!(r
        .headers
        .get("user-agent")
        .is_some_and(|ua| ua.starts_with("oos-rs/")));
    assert_v3_signed(r, "secret");
}

#[tokio::test]
async fn v3_with_security_token() {
    let server = Server::start(vec![ok("{}")]);
    let client = Client::new(
        config(&server)
            .credentials(Credentials::with_security_token(
                "STS.id",
                "sts-secret",
                "tok",
            ))
            .build(),
    );
    client.call(logs_input()).await.expect("ok");
    let r = &server.seen()[0];
    assert_eq!(
        r.headers.get("x-acs-security-token").map(String::as_str),
        Some("tok")
    );
    assert!(r.headers["authorization"].contains("x-acs-security-token"));
    assert_v3_signed(r, "sts-secret");
}

#[tokio::test]
async fn rpc_hmac_sha1_wire_format() {
    let server = Server::start(vec![ok("{}")]);
    let client = Client::new(
        config(&server)
            .credentials(Credentials::with_security_token("AKID", "secret", "tok"))
            .signature_method(SignatureMethod::HmacSha1)
            .build(),
    );
    client.call(logs_input()).await.expect("ok");
    let r = &server.seen()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
    assert!(!r.headers.contains_key("authorization"));
    let q = &r.query;
    for (k, v) in [
        ("Action", "ListExecutionLogs"),
        ("Version", "2019-06-01"),
        ("Format", "JSON"),
        ("AccessKeyId", "AKID"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SecurityToken", "tok"),
        ("ExecutionId", "exec-1"),
    ] {
        assert_eq!(q.get(k).map(String::as_str), Some(v), "{k}");
    }
    let unsigned: Vec<(&str, &str)> = q
        .iter()
        .filter(|(k, _)| *k != "Signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        q.get("Signature"),
        Some(&rpc::signature(
            "secret",
            &rpc::string_to_sign("POST", &unsigned)
        ))
    );
}

// ---------------------------------------------------------------------------------------------
// Errors and retries

#[tokio::test]
async fn throttling_is_retried_with_a_fresh_signature_and_retry_after_is_honoured() {
    let throttled = Reply::Json(
        400,
        vec![("x-acs-retry-after", "300".to_owned())],
        r#"{"RequestId":"r","Code":"Throttling","Message":"slow"}"#.to_owned(),
    );
    let server = Server::start(vec![throttled, ok(r#"{"RequestId":"r2"}"#)]);
    let client = Client::new(config(&server).build());
    let out = client
        .call(logs_input())
        .await
        .expect("second attempt succeeds");
    assert_eq!(out.request_id.as_deref(), Some("r2"));
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[1].at - seen[0].at >= Duration::from_millis(300),
        "waited {:?}",
        seen[1].at - seen[0].at
    );
    assert_ne!(
        seen[0].headers["x-acs-signature-nonce"],
        seen[1].headers["x-acs-signature-nonce"]
    );
    assert_v3_signed(&seen[1], "secret");
}

#[tokio::test]
async fn non_retryable_service_error_is_typed_and_not_retried() {
    let server = Server::start(vec![error(404, "EntityNotExists.Execution")]);
    let client = Client::new(config(&server).build());
    let err = client.call(logs_input()).await.expect_err("404");
    let Error::Service(ListExecutionLogsError::EntityNotExistsExecution(m)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (m.http_status(), m.request_id()),
        (404, Some("req-EntityNotExists.Execution"))
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let html = Reply::Json(502, vec![], "<html>bad gateway</html>".to_owned());
    let server = Server::start(vec![html.clone(), html.clone(), html.clone(), html]);
    let client = Client::new(config(&server).build());
    let err = client.call(logs_input()).await.expect_err("502");
    assert!(
        matches!(&err, Error::Response { status: 502, body, .. } if body.contains("bad gateway")),
        "{err:?}"
    );
    assert_eq!(server.seen().len(), 3);

    let server = Server::start(vec![error(503, "ServiceUnavailable"), ok("{}")]);
    let client = Client::new(
        config(&server)
            .retry_policy(RetryPolicy::disabled())
            .build(),
    );
    assert!(client.call(logs_input()).await.is_err());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn truncated_body_is_a_response_error_and_retried() {
    let server = Server::start(vec![Reply::Truncated, ok(r#"{"RequestId":"whole"}"#)]);
    let client = Client::new(config(&server).build());
    let out = client.call(logs_input()).await.expect("retried");
    assert_eq!(out.request_id.as_deref(), Some("whole"));

    let server = Server::start(vec![Reply::Truncated]);
    let client = Client::new(
        config(&server)
            .retry_policy(RetryPolicy::disabled())
            .build(),
    );
    let err = client.call(logs_input()).await.expect_err("truncated");
    assert!(
        matches!(&err, Error::Response { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let big = format!(r#"{{"RequestId":"{}"}}"#, "x".repeat(5000));
    let server = Server::start(vec![ok(&big), Reply::Chunked(50_000)]);
    let client = Client::new(config(&server).max_response_bytes(1000).build());
    for _ in 0..2 {
        let err = client.call(logs_input()).await.expect_err("too big");
        let Error::Response { reason, body, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(reason.contains("1000-byte limit"), "{reason}");
        assert!(body.len() <= 1000);
    }
    assert_eq!(server.seen().len(), 2, "an oversized body is not retried");
}

/// A given HTTP client times out by its own settings, which this crate does not know: the
/// error is the transport's (a timeout), not a `Timeout` naming a duration nobody set.
#[tokio::test]
async fn a_given_clients_own_timeout_is_the_transports_error() {
    let server = Server::start(vec![Reply::Slow(Duration::from_secs(2))]);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let client = Client::new(
        config(&server)
            .http_client(http)
            .retry_policy(RetryPolicy::disabled())
            .build(),
    );
    let err = client.call(logs_input()).await.expect_err("timeout");
    assert!(
        matches!(&err, Error::Dispatch(d) if d.is_timeout() && !d.is_connect()),
        "{err:?}"
    );
}

#[tokio::test]
async fn attempt_and_operation_timeouts() {
    let server = Server::start(vec![Reply::Slow(Duration::from_secs(2))]);
    let client = Client::new(
        config(&server)
            .attempt_timeout(Duration::from_millis(200))
            .retry_policy(RetryPolicy::disabled())
            .build(),
    );
    let started = Instant::now();
    let err = client.call(logs_input()).await.expect_err("timeout");
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1500));

    let slow = Reply::Slow(Duration::from_secs(2));
    let server = Server::start(vec![slow.clone(), slow.clone(), slow]);
    let client = Client::new(
        config(&server)
            .attempt_timeout(Duration::from_millis(150))
            .operation_timeout(Duration::from_millis(400))
            .build(),
    );
    let started = Instant::now();
    let err = client.call(logs_input()).await.expect_err("timeout");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_first_of_the_two_deadlines_ends_the_wait_and_names_its_limit() {
    // The operation's deadline falls inside the first attempt: the call ends then, with the
    // operation's limit, without waiting for the attempt's own.
    let server = Server::start(vec![Reply::Slow(Duration::from_secs(2))]);
    let client = Client::new(
        config(&server)
            .attempt_timeout(Duration::from_millis(1500))
            .operation_timeout(Duration::from_millis(150))
            .build(),
    );
    let started = Instant::now();
    let err = client.call(logs_input()).await.expect_err("timeout");
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(150)),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        server.seen().len(),
        1,
        "nothing is retried past the deadline"
    );

    // The attempt's limit comes first: the attempt's timeout, under a distant deadline.
    let server = Server::start(vec![Reply::Slow(Duration::from_secs(2))]);
    let client = Client::new(
        config(&server)
            .attempt_timeout(Duration::from_millis(150))
            .operation_timeout(Duration::from_secs(30))
            .retry_policy(RetryPolicy::disabled())
            .build(),
    );
    let err = client.call(logs_input()).await.expect_err("timeout");
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(150)),
        "{err:?}"
    );
}

/// One set of credentials at hand, another (never expected) through `provide`.
struct AtHand {
    asked: Arc<std::sync::atomic::AtomicUsize>,
}

impl oos_api::credentials::ProvideCredentials for AtHand {
    fn provide(&self) -> oos_api::credentials::ProvideCredentialsFuture<'_> {
        self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async { Ok(Credentials::new("FETCHED", "fetched-secret")) })
    }

    fn provide_now(&self) -> Option<Credentials> {
        Some(Credentials::new("ATHAND", "at-hand-secret"))
    }
}

#[tokio::test]
async fn credentials_at_hand_sign_the_call_without_asking_provide() {
    let server = Server::start(vec![ok("{}"), ok("{}")]);
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let client = Client::new(
        config(&server)
            .credentials(AtHand {
                asked: asked.clone(),
            })
            .operation_timeout(Duration::from_secs(30))
            .build(),
    );
    client.call(logs_input()).await.expect("ok");
    client.call(logs_input()).await.expect("ok");
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
    for seen in server.seen() {
        assert!(seen.headers["authorization"].contains("Credential=ATHAND,"));
        assert_v3_signed(&seen, "at-hand-secret");
    }
}

/// Credentials that take longer than any test waits.
struct Stalled;

impl oos_api::credentials::ProvideCredentials for Stalled {
    fn provide(&self) -> oos_api::credentials::ProvideCredentialsFuture<'_> {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(Credentials::new("AKID", "secret"))
        })
    }
}

#[tokio::test]
async fn the_operation_deadline_bounds_the_wait_for_credentials() {
    let server = Server::start(vec![ok("{}")]);
    let client = Client::new(
        config(&server)
            .credentials(Stalled)
            .operation_timeout(Duration::from_millis(100))
            .build(),
    );
    let started = Instant::now();
    let err = client.call(logs_input()).await.expect_err("timeout");
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(100)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(server.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn long_retry_after_past_the_deadline_returns_the_error() {
    let throttled = Reply::Json(
        400,
        vec![("x-acs-retry-after", "60000".to_owned())],
        r#"{"Code":"Throttling"}"#.to_owned(),
    );
    let server = Server::start(vec![throttled.clone()]);
    let client = Client::new(
        config(&server)
            .retry_policy(RetryPolicy::standard().max_backoff(Duration::from_secs(120)))
            .operation_timeout(Duration::from_secs(5))
            .build(),
    );
    let started = Instant::now();
    let err = client.call(logs_input()).await.expect_err("throttled");
    assert!(
        matches!(
            err,
            Error::Service(ListExecutionLogsError::Common(CommonError::Throttling(_)))
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.seen().len(), 1);

    // Without a deadline, a wait longer than max_backoff is not worth it either.
    let server = Server::start(vec![throttled]);
    let client = Client::new(config(&server).build());
    let started = Instant::now();
    let err = client.call(logs_input()).await.expect_err("throttled");
    assert!(
        matches!(
            err,
            Error::Service(ListExecutionLogsError::Common(CommonError::Throttling(_)))
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_dispatch_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let client = Client::new(
        Config::builder()
            .endpoint_url(format!("http://127.0.0.1:{port}"))
            .credentials(Credentials::with_security_token(
                "AKID",
                "secret",
                "TOKENVALUE",
            ))
            .signature_method(SignatureMethod::HmacSha1)
            .retry_policy(
                RetryPolicy::standard()
                    .max_attempts(2)
                    .initial_backoff(Duration::from_millis(1)),
            )
            .build(),
    );
    let err = client.call(Start::default()).await.expect_err("refused");
    let Error::Dispatch(dispatch) = &err else {
        panic!("{err:?}")
    };
    assert!(dispatch.is_connect(), "{dispatch:?}");
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    assert!(message.contains("onnection refused"), "{message}");
    // The URL (whose query carries the token and signature) is kept out of the message.
    for hidden in ["TOKENVALUE", "SecurityToken", "Signature", "AKID"] {
        assert!(!message.contains(hidden), "{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// A non-idempotent action, with and without an idempotency token

#[derive(Clone, Debug, Default)]
struct Start {
    client_token: Option<String>,
    with_token: bool,
}

#[derive(Debug)]
struct StartError(ErrorMetadata);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for StartError {}

impl ServiceError for StartError {
    fn from_metadata(metadata: ErrorMetadata) -> Self {
        Self(metadata)
    }
    fn metadata(&self) -> &ErrorMetadata {
        &self.0
    }
    fn is_retryable(&self) -> bool {
        self.0.code() == "Throttling"
    }
}

impl Action for Start {
    const NAME: &'static str = "StartExecution";
    const IDEMPOTENT: bool = false;
    type Output = serde_json::Value;
    type Error = StartError;
    fn validate(&self) -> Result<(), BuildError> {
        Ok(())
    }
    fn write_params(&self, params: &mut Params) {
        params
            .query()
            .push("ClientToken", self.client_token.as_ref());
    }
    fn ensure_idempotency_token(&mut self) -> bool {
        if !self.with_token {
            return false;
        }
        // A fresh token per call; calling this again would change it, which the test catches.
        self.client_token = Some(format!("token-{:?}", Instant::now()));
        true
    }
}

#[tokio::test]
async fn non_idempotent_actions_are_not_resent_after_reaching_the_service() {
    let server = Server::start(vec![error(400, "Throttling"), ok("{}")]);
    let client = Client::new(config(&server).build());
    let err = client
        .call(Start::default())
        .await
        .expect_err("not retried");
    assert!(matches!(err.as_service_error(), Some(StartError(m)) if m.code() == "Throttling"));
    assert_eq!(server.seen().len(), 1);

    let server = Server::start(vec![error(500, "InternalError"), ok("{}")]);
    let client = Client::new(config(&server).build());
    assert!(client.call(Start::default()).await.is_err());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn idempotency_token_makes_retries_safe_and_is_stable() {
    let server = Server::start(vec![
        error(400, "Throttling"),
        error(503, "ServiceUnavailable"),
        ok(r#"{"ok":true}"#),
    ]);
    let client = Client::new(config(&server).build());
    let out = client
        .call(Start {
            with_token: true,
            ..Start::default()
        })
        .await
        .expect("retried");
    assert_eq!(out["ok"], true);
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let token = seen[0].query.get("ClientToken").expect("token");
    assert!(seen
        .iter()
        .all(|r| r.query.get("ClientToken") == Some(token)));
}

// ---------------------------------------------------------------------------------------------
// Pagination

fn page(token: Option<&str>, messages: &[&str]) -> Reply {
    let logs: Vec<String> = messages
        .iter()
        .map(|m| format!(r#"{{"Message":"{m}"}}"#))
        .collect();
    let token = token
        .map(|t| format!(r#","NextToken":"{t}""#))
        .unwrap_or_default();
    ok(&format!(
        r#"{{"RequestId":"r","ExecutionLogs":[{}]{token}}}"#,
        logs.join(",")
    ))
}

#[tokio::test]
async fn paginator_follows_tokens_with_identical_parameters() {
    let server = Server::start(vec![
        page(Some("t1"), &["a", "b"]),
        page(Some("t2"), &["c"]),
        page(Some(""), &["d"]),
    ]);
    let client = Client::new(config(&server).build());
    let paginator = client
        .list_execution_logs()
        .execution_id("exec-1")
        .into_paginator()
        .page_size(2);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        server.seen().is_empty(),
        "nothing is sent before the first poll"
    );

    let items: Vec<_> = paginator.items().try_collect().await.expect("items");
    let messages: Vec<_> = items
        .iter()
        .map(|l| l.message.clone().unwrap_or_default())
        .collect();
    assert_eq!(messages, ["a", "b", "c", "d"]);

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let tokens: Vec<_> = seen
        .iter()
        .map(|r| r.query.get("NextToken").cloned())
        .collect();
    assert_eq!(tokens, [None, Some("t1".to_owned()), Some("t2".to_owned())]);
    for r in &seen {
        assert_eq!(
            r.query.get("ExecutionId").map(String::as_str),
            Some("exec-1")
        );
        assert_eq!(r.query.get("MaxResults").map(String::as_str), Some("2"));
    }
}

#[tokio::test]
async fn paginator_stops_on_a_repeated_token() {
    let server = Server::start(vec![
        page(Some("t1"), &["a"]),
        page(Some("t2"), &["b"]),
        page(Some("t1"), &["c"]),
    ]);
    let client = Client::new(config(&server).build());
    let pages: Vec<_> = client
        .list_execution_logs()
        .execution_id("e")
        .into_paginator()
        .collect()
        .await;
    assert_eq!(pages.len(), 4);
    assert!(pages[..3].iter().all(Result::is_ok));
    assert!(
        matches!(&pages[3], Err(Error::RepeatedPageToken(t)) if t == "t1"),
        "{:?}",
        pages[3]
    );
    assert_eq!(server.seen().len(), 3);

    // The token the caller starts from counts as seen.
    let server = Server::start(vec![page(Some("start"), &["a"])]);
    let client = Client::new(config(&server).build());
    let pages: Vec<_> = client
        .list_execution_logs()
        .execution_id("e")
        .next_token("start")
        .into_paginator()
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert!(matches!(&pages[1], Err(Error::RepeatedPageToken(t)) if t == "start"));
}

#[tokio::test]
async fn paginator_ends_after_an_error_and_honours_max_pages() {
    let server = Server::start(vec![
        page(Some("t1"), &["a"]),
        error(400, "InvalidNextToken"),
        page(None, &["x"]),
    ]);
    let client = Client::new(config(&server).build());
    let items: Vec<_> = client
        .list_execution_logs()
        .execution_id("e")
        .into_paginator()
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(matches!(
        &items[1],
        Err(Error::Service(ListExecutionLogsError::InvalidNextToken(_)))
    ));
    assert_eq!(server.seen().len(), 2);

    let server = Server::start(vec![page(Some("t1"), &["a"]), page(Some("t2"), &["b"])]);
    let client = Client::new(config(&server).build());
    let pages: Vec<_> = client
        .list_execution_logs()
        .execution_id("e")
        .into_paginator()
        .max_pages(1)
        .collect()
        .await;
    assert_eq!(pages.len(), 1);
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn paginator_is_send_and_unpin() {
    fn check<T: Send + Unpin>() {}
    check::<oos_api::Paginator<ListExecutionLogsInput>>();
    check::<oos_api::paginator::Items<ListExecutionLogsInput>>();
}

#[tokio::test]
async fn call_futures_are_send() {
    fn check<T: Send>(_: &T) {}
    let client = Client::new(Config::builder().build());
    let call = client.call(logs_input());
    check(&call);
    let send = client.list_execution_logs().execution_id("e").send();
    check(&send);
}

// ---------------------------------------------------------------------------------------------
// Tracing

mod capture {
    use std::collections::HashMap;
    use std::fmt::Debug;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// Recorded `(field, value)` pairs, in order.
    pub type FieldList = Vec<(String, String)>;

    /// Every span (name and fields) and event fields, as recorded.
    #[derive(Default)]
    pub struct Captured {
        pub spans: Mutex<HashMap<u64, (String, FieldList)>>,
        pub events: Mutex<Vec<FieldList>>,
        next: AtomicU64,
    }

    pub struct Capture(pub Arc<Captured>);

    struct Fields<'a>(&'a mut Vec<(String, String)>);

    impl Visit for Fields<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.push((field.name().to_owned(), value.to_owned()));
        }
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.push((field.name().to_owned(), format!("{value:?}")));
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let id = self.0.next.fetch_add(1, Ordering::Relaxed) + 1;
            let mut fields = Vec::new();
            span.record(&mut Fields(&mut fields));
            self.0
                .spans
                .lock()
                .expect("lock")
                .insert(id, (span.metadata().name().to_owned(), fields));
            Id::from_u64(id)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            if let Some((_, fields)) = self.0.spans.lock().expect("lock").get_mut(&span.into_u64())
            {
                values.record(&mut Fields(fields));
            }
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Vec::new();
            event.record(&mut Fields(&mut fields));
            self.0.events.lock().expect("lock").push(fields);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[test]
fn spans_carry_call_and_attempt_fields_and_no_secrets() {
    let throttled = Reply::Json(
        400,
        vec![],
        r#"{"RequestId":"r1","Code":"Throttling"}"#.to_owned(),
    );
    let server = Server::start(vec![throttled, ok(r#"{"RequestId":"r2"}"#)]);
    let client = Client::new(
        config(&server)
            .credentials(Credentials::with_security_token(
                "AKID",
                "SECRETVALUE",
                "TOKENVALUE",
            ))
            .signature_method(SignatureMethod::HmacSha1)
            .build(),
    );
    let captured = std::sync::Arc::new(capture::Captured::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    tracing::subscriber::with_default(capture::Capture(captured.clone()), || {
        runtime.block_on(client.call(logs_input())).expect("ok");
    });

    let spans = captured.spans.lock().expect("lock").clone();
    let field = |fields: &[(String, String)], name: &str| {
        fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let calls: Vec<_> = spans
        .values()
        .filter(|(name, _)| name == "oos.call")
        .collect();
    assert_eq!(calls.len(), 1);
    let call = &calls[0].1;
    assert_eq!(field(call, "action").as_deref(), Some("ListExecutionLogs"));
    assert_eq!(field(call, "attempts").as_deref(), Some("2"));
    assert_eq!(field(call, "status").as_deref(), Some("200"));
    assert_eq!(field(call, "request_id").as_deref(), Some("r2"));

    let mut attempts: Vec<_> = spans
        .values()
        .filter(|(name, _)| name == "oos.attempt")
        .map(|(_, f)| f)
        .collect();
    attempts.sort_by_key(|f| field(f, "attempt"));
    assert_eq!(attempts.len(), 2);
    assert_eq!(field(attempts[0], "attempt").as_deref(), Some("1"));
    assert_eq!(field(attempts[0], "status").as_deref(), Some("400"));
    assert_eq!(field(attempts[0], "code").as_deref(), Some("Throttling"));
    assert_eq!(field(attempts[0], "request_id").as_deref(), Some("r1"));
    assert_eq!(field(attempts[1], "status").as_deref(), Some("200"));
    assert!(attempts.iter().all(|f| field(f, "latency_ms").is_some()));

    let signature = server.seen()[0].query["Signature"].clone();
    let events = captured.events.lock().expect("lock").clone();
    let everything: Vec<&(String, String)> = spans
        .values()
        .flat_map(|(_, f)| f)
        .chain(events.iter().flatten())
        .collect();
    for (name, value) in everything {
        for hidden in ["SECRETVALUE", "TOKENVALUE", signature.as_str()] {
            assert!(!value.contains(hidden), "{name}={value} leaks {hidden}");
        }
    }
}

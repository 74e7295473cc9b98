//! The client end to end against the loopback emulator: both signature methods, pagination,
//! every error path the client can reach mapped to its typed variant, retries, timeouts and
//! broken answers.

use oos_api::service::CommonError;
use std::time::Duration;

use futures::TryStreamExt;
use oos_api::action::{Action, ServiceError};
use oos_api::operation::list_execution_logs::{ListExecutionLogsError, ListExecutionLogsOutput};
use oos_api::params::Params;
use oos_api::{BuildError, Client, Config, Credentials, Error, RetryPolicy, SignatureMethod};
use oos_emulator::test_util::config_for;
use oos_emulator::{Data, Emulator, Fault, FaultRule, RunningEmulator, ThrottlingCode};
use serde_json::json;

const SECRET: &str = "testsecret";

fn logs(n: usize) -> Vec<serde_json::Value> {
    (0..n)
        .map(|i| json!({"Message": format!("log {i}"), "Timestamp": format!("2024-03-19T02:{:02}:{:02}Z", i / 60, i % 60)}))
        .collect()
}

async fn emulator() -> RunningEmulator {
    Emulator::builder()
        .data(
            Data::new()
                .with_execution("exec-1", logs(137))
                .with_execution("exec-2", logs(3)),
        )
        .start()
        .await
        .expect("the emulator starts on 127.0.0.1:0")
}

fn config(emulator: &RunningEmulator) -> oos_api::ConfigBuilder {
    config_for(emulator, SignatureMethod::Acs3HmacSha256)
        // Keep failing tests fast.
        .retry_policy(
            RetryPolicy::standard()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(50)),
        )
}

fn service_error<T: std::fmt::Debug>(
    result: Result<T, Error<ListExecutionLogsError>>,
) -> ListExecutionLogsError {
    match result {
        Err(Error::Service(e)) => e,
        other => panic!("expected a service error, got {other:?}"),
    }
}

/// The downstream code of the client's contract, with both signature methods.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_137_logs_in_14_pages_with_either_signature() -> Result<(), Box<dyn std::error::Error>>
{
    let emulator = emulator().await;
    let addr = emulator.addr();
    for method in [SignatureMethod::Acs3HmacSha256, SignatureMethod::HmacSha1] {
        // Retries as a default client has them.
        let client = Client::new(
            config_for(&emulator, method)
                .endpoint_url(format!("http://{addr}"))
                .retry_policy(RetryPolicy::standard())
                .build(),
        );
        let page = client
            .list_execution_logs()
            .execution_id("exec-1")
            .max_results(10)
            .send()
            .await?;
        let all: Vec<_> = client
            .list_execution_logs()
            .execution_id("exec-1")
            .into_paginator()
            .page_size(10)
            .items()
            .try_collect()
            .await?;
        let pages: Vec<_> = client
            .list_execution_logs()
            .execution_id("exec-1")
            .into_paginator()
            .page_size(10)
            .try_collect()
            .await?;

        assert_eq!(page.execution_logs.as_ref().map(Vec::len), Some(10));
        assert!(page.next_token.is_some());
        assert_eq!(pages.len(), 14, "{method:?}");
        assert_eq!(all.len(), 137);
        let messages: Vec<String> = all.iter().map(|l| l.message.clone().unwrap()).collect();
        let expected: Vec<String> = (0..137).map(|i| format!("log {i}")).collect();
        assert_eq!(messages, expected, "every log once, in order ({method:?})");
        assert_eq!(
            pages
                .iter()
                .map(|p: &ListExecutionLogsOutput| p.execution_logs.as_ref().unwrap().len())
                .sum::<usize>(),
            137
        );
    }
    let methods: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| format!("{:?}", r.signature))
        .collect();
    assert!(
        methods.iter().any(|m| m.contains("Acs3"))
            && methods.iter().any(|m| m.contains("HmacSha1")),
        "{methods:?}"
    );
    assert!(emulator.requests().iter().all(|r| r.error_code.is_none()));
    Ok(())
}

#[tokio::test]
async fn the_paginator_sends_nothing_before_the_first_poll_and_honours_max_pages() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    let paginator = client
        .list_execution_logs()
        .execution_id("exec-1")
        .into_paginator()
        .page_size(20)
        .max_pages(2);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        emulator.request_count(),
        0,
        "nothing is sent before the first poll"
    );
    let pages: Vec<_> = paginator.try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(emulator.request_count(), 2);
}

#[tokio::test]
async fn a_wrong_secret_is_signature_does_not_match_and_the_secret_is_nowhere() {
    let emulator = emulator().await;
    let secret = "s3cr3t-that-must-not-leak";
    for method in [SignatureMethod::Acs3HmacSha256, SignatureMethod::HmacSha1] {
        let client = Client::new(
            config(&emulator)
                .credentials(Credentials::new("testid", secret))
                .signature_method(method)
                .build(),
        );
        let result = client
            .list_execution_logs()
            .execution_id("exec-1")
            .send()
            .await;
        let shown = format!(
            "{result:?} {}",
            result
                .as_ref()
                .err()
                .map(ToString::to_string)
                .unwrap_or_default()
        );
        assert!(!shown.contains(secret), "the secret leaked: {shown}");
        let e = service_error(result);
        assert!(
            matches!(
                e,
                ListExecutionLogsError::Common(CommonError::SignatureDoesNotMatch(_))
            ),
            "{e:?}"
        );
        assert_eq!(e.metadata().http_status(), 400);
        assert!(e.metadata().request_id().is_some() && e.metadata().host_id().is_some());
    }
}

#[tokio::test]
async fn service_errors_map_to_their_variants() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());

    let e = service_error(
        client
            .list_execution_logs()
            .execution_id("exec-nope")
            .send()
            .await,
    );
    assert!(
        matches!(e, ListExecutionLogsError::EntityNotExistsExecution(_)),
        "{e:?}"
    );
    assert_eq!(e.metadata().http_status(), 404);
    assert!(e.to_string().contains("EntityNotExists.Execution"), "{e}");

    let e = service_error(
        client
            .list_execution_logs()
            .execution_id("exec-1")
            .next_token("forged")
            .send()
            .await,
    );
    assert!(
        matches!(e, ListExecutionLogsError::InvalidNextToken(_)),
        "{e:?}"
    );

    let first = client
        .list_execution_logs()
        .execution_id("exec-1")
        .max_results(10)
        .send()
        .await
        .unwrap();
    let token = first.next_token.unwrap();
    let e = service_error(
        client
            .list_execution_logs()
            .execution_id("exec-1")
            .max_results(20)
            .next_token(token)
            .send()
            .await,
    );
    assert!(
        matches!(e, ListExecutionLogsError::InvalidNextTokenQuery(_)),
        "{e:?}"
    );

    let stranger = Client::new(
        config(&emulator)
            .credentials(Credentials::new("nobody", SECRET))
            .build(),
    );
    let e = service_error(
        stranger
            .list_execution_logs()
            .execution_id("exec-1")
            .send()
            .await,
    );
    assert!(
        matches!(
            e,
            ListExecutionLogsError::Common(CommonError::InvalidAccessKeyIdNotFound(_))
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_wrong_security_token_is_invalid_sts_token() {
    let emulator = Emulator::builder()
        .data(Data::new().with_execution("exec-1", logs(2)))
        .access_key_with_token("stsid", "stssecret", "the-token")
        .start()
        .await
        .unwrap();
    let good = Client::new(
        config(&emulator)
            .credentials(Credentials::with_security_token(
                "stsid",
                "stssecret",
                "the-token",
            ))
            .build(),
    );
    assert!(good
        .list_execution_logs()
        .execution_id("exec-1")
        .send()
        .await
        .is_ok());
    let bad = Client::new(
        config(&emulator)
            .credentials(Credentials::with_security_token(
                "stsid",
                "stssecret",
                "other-token",
            ))
            .build(),
    );
    let result = bad
        .list_execution_logs()
        .execution_id("exec-1")
        .send()
        .await;
    assert!(!format!("{result:?}").contains("other-token"));
    let e = service_error(result);
    assert!(
        matches!(
            e,
            ListExecutionLogsError::Common(CommonError::InvalidStsToken(_))
        ),
        "{e:?}"
    );
}

/// A hand-written action, to reach what the generated ones never send: an action the service
/// does not know, a request without its required parameter, a call that is not safe to repeat.
#[derive(Clone, Debug)]
struct Custom {
    execution_id: Option<&'static str>,
}

macro_rules! custom_action {
    ($ty:ident, $idempotent:expr) => {
        #[derive(Clone, Debug)]
        struct $ty(Custom);
        impl Action for $ty {
            const NAME: &'static str = "ListExecutionLogs";
            const IDEMPOTENT: bool = $idempotent;
            type Output = ListExecutionLogsOutput;
            type Error = ListExecutionLogsError;
            fn validate(&self) -> Result<(), BuildError> {
                Ok(())
            }
            fn write_params(&self, params: &mut Params) {
                params.query().push("ExecutionId", self.0.execution_id);
            }
        }
    };
}
custom_action!(Unchecked, true);
custom_action!(NotRepeatable, false);

#[derive(Clone, Debug)]
struct NoSuchAction;
impl Action for NoSuchAction {
    const NAME: &'static str = "NoSuchAction";
    const IDEMPOTENT: bool = true;
    type Output = ListExecutionLogsOutput;
    type Error = ListExecutionLogsError;
    fn validate(&self) -> Result<(), BuildError> {
        Ok(())
    }
    fn write_params(&self, _: &mut Params) {}
}

#[tokio::test]
async fn gateway_errors_map_to_their_variants() {
    let emulator = emulator().await;
    for method in [SignatureMethod::Acs3HmacSha256, SignatureMethod::HmacSha1] {
        let client = Client::new(config(&emulator).signature_method(method).build());
        let e = service_error(client.call(NoSuchAction).await);
        assert!(
            matches!(
                e,
                ListExecutionLogsError::Common(CommonError::InvalidActionNotFound(_))
            ),
            "{e:?}"
        );
        let e = service_error(client.call(Unchecked(Custom { execution_id: None })).await);
        assert!(
            matches!(
                e,
                ListExecutionLogsError::Common(CommonError::MissingParameter(_))
            ),
            "{e:?}"
        );
        assert!(
            e.metadata()
                .message()
                .unwrap_or_default()
                .contains("ExecutionId"),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn a_missing_required_parameter_sends_nothing() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    match client.list_execution_logs().max_results(5).send().await {
        Err(Error::Construction(e)) => {
            assert_eq!(e.parameter(), "ExecutionId");
            assert!(e.to_string().contains(".execution_id(..)"), "{e}");
        }
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert_eq!(emulator.request_count(), 0);
}

#[tokio::test]
async fn two_throttles_then_success_is_one_successful_call() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    emulator
        .faults()
        .inject(Fault::Throttling(ThrottlingCode::User));
    emulator
        .faults()
        .inject(Fault::Throttling(ThrottlingCode::Throttling));
    let out = client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await
        .unwrap();
    assert_eq!(out.execution_logs.unwrap().len(), 3);
    let codes: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| r.error_code.clone())
        .collect();
    assert_eq!(
        codes,
        [
            Some("Throttling.User".into()),
            Some("Throttling".into()),
            None
        ]
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let emulator = emulator().await;
    // The standard policy's cap (a waiting time the client accepts) is well above 300 ms.
    let client = Client::new(
        config(&emulator)
            .retry_policy(RetryPolicy::standard())
            .build(),
    );
    emulator.faults().inject(Fault::RetryAfter(300));
    let started = std::time::Instant::now();
    client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(emulator.request_count(), 2);
}

#[tokio::test]
async fn throttling_that_outlasts_the_attempts_is_a_typed_error() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    emulator
        .faults()
        .inject_n(Fault::Throttling(ThrottlingCode::Api), 3);
    let e = service_error(
        client
            .list_execution_logs()
            .execution_id("exec-2")
            .send()
            .await,
    );
    assert!(
        matches!(
            e,
            ListExecutionLogsError::Common(CommonError::ThrottlingApi(_))
        ),
        "{e:?}"
    );
    assert!(e.is_retryable());
    assert_eq!(emulator.request_count(), 3, "three attempts by default");
}

#[tokio::test]
async fn a_5xx_is_retried_and_a_persistent_one_is_service_unavailable() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    emulator.faults().inject(Fault::ServerError(503));
    assert!(client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await
        .is_ok());
    emulator.faults().inject_n(Fault::ServerError(503), 3);
    let e = service_error(
        client
            .list_execution_logs()
            .execution_id("exec-2")
            .send()
            .await,
    );
    assert!(
        matches!(
            e,
            ListExecutionLogsError::Common(CommonError::ServiceUnavailable(_))
        ),
        "{e:?}"
    );
    assert_eq!(e.metadata().http_status(), 503);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_a_safe_action() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    emulator.faults().inject(Fault::DropConnection);
    assert!(client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await
        .is_ok());
    assert_eq!(emulator.request_count(), 2);
}

#[tokio::test]
async fn an_action_not_safe_to_repeat_is_not_retried_once_the_service_saw_it() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    let call = || {
        client.call(NotRepeatable(Custom {
            execution_id: Some("exec-2"),
        }))
    };

    emulator
        .faults()
        .add(FaultRule::new(Fault::DropConnection).after_execution());
    assert!(
        matches!(call().await, Err(Error::Dispatch(_))),
        "a lost answer is not retried"
    );
    assert_eq!(emulator.request_count(), 1);

    emulator.faults().inject(Fault::ServerError(503));
    assert!(matches!(
        call().await,
        Err(Error::Service(ListExecutionLogsError::Common(
            CommonError::ServiceUnavailable(_)
        )))
    ));
    assert_eq!(emulator.request_count(), 2, "a 5xx is not retried either");

    emulator
        .faults()
        .inject(Fault::Throttling(ThrottlingCode::User));
    assert!(matches!(
        call().await,
        Err(Error::Service(ListExecutionLogsError::Common(
            CommonError::ThrottlingUser(_)
        )))
    ));
    assert_eq!(
        emulator.request_count(),
        3,
        "nor is throttling, for an action without a token"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_an_action_not_safe_to_repeat() {
    // A port that was just free: nothing listens, so no attempt can have reached a service.
    let addr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    // The client's debug events say when it retries: nothing else counts attempts that never
    // reached a server.
    let capture = crate::capture::capture(tracing::Level::DEBUG);
    let captured = &capture.captured;
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("testid", SECRET))
            .endpoint_url(format!("http://{addr}"))
            .retry_policy(
                RetryPolicy::standard()
                    .initial_backoff(Duration::from_millis(1))
                    .max_backoff(Duration::from_millis(5)),
            )
            .build(),
    );
    let result = client
        .call(NotRepeatable(Custom {
            execution_id: Some("exec-2"),
        }))
        .await;
    assert!(matches!(result, Err(Error::Dispatch(_))), "{result:?}");
    let log = captured.text();
    assert_eq!(
        log.matches("retrying").count(),
        2,
        "three attempts in all:\n{log}"
    );
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let emulator = emulator().await;
    let client = Client::new(
        config(&emulator)
            .attempt_timeout(Duration::from_millis(100))
            .retry_policy(RetryPolicy::disabled())
            .build(),
    );
    emulator
        .faults()
        .inject(Fault::Slow(Duration::from_millis(1000)));
    let started = std::time::Instant::now();
    let result = client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await;
    assert!(matches!(result, Err(Error::Timeout(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_millis(900));

    // With retries, the next attempt is answered in time.
    let client = Client::new(
        config(&emulator)
            .attempt_timeout(Duration::from_millis(300))
            .build(),
    );
    emulator
        .faults()
        .inject(Fault::Slow(Duration::from_millis(1000)));
    assert!(client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await
        .is_ok());

    // The whole-operation timeout bounds every attempt and wait together.
    let client = Client::new(
        config(&emulator)
            .attempt_timeout(Duration::from_millis(200))
            .operation_timeout(Duration::from_millis(350))
            .build(),
    );
    emulator
        .faults()
        .inject_n(Fault::Slow(Duration::from_millis(1000)), 3);
    let started = std::time::Instant::now();
    let result = client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await;
    assert!(matches!(result, Err(Error::Timeout(_))), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_repeated_token_stops_the_paginator_with_an_error() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    emulator.faults().inject(Fault::RepeatToken);
    let mut pages = client
        .list_execution_logs()
        .execution_id("exec-1")
        .into_paginator()
        .page_size(10);
    let mut seen = 0;
    let mut error = None;
    while let Some(page) = futures::StreamExt::next(&mut pages).await {
        match page {
            Ok(_) => seen += 1,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
        assert!(seen < 20, "the paginator loops");
    }
    assert!(
        matches!(error, Some(Error::RepeatedPageToken(_))),
        "{error:?}"
    );
    assert!(
        futures::StreamExt::next(&mut pages).await.is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn an_html_502_is_an_unreadable_response_with_its_status_and_body() {
    let emulator = emulator().await;
    let client = Client::new(
        config(&emulator)
            .retry_policy(RetryPolicy::disabled())
            .build(),
    );
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    emulator.faults().inject(Fault::NonJson {
        status: 502,
        body: html.into(),
    });
    match client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await
    {
        Err(Error::Response { status, body, .. }) => {
            assert_eq!(status, 502);
            assert_eq!(body, html);
        }
        other => panic!("expected an unreadable response, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_body_is_retried_then_reported() {
    let emulator = emulator().await;
    let client = Client::new(config(&emulator).build());
    emulator.faults().inject(Fault::Truncated);
    assert!(client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await
        .is_ok());

    let client = Client::new(
        config(&emulator)
            .retry_policy(RetryPolicy::disabled())
            .build(),
    );
    emulator.faults().inject(Fault::Truncated);
    let result = client
        .list_execution_logs()
        .execution_id("exec-2")
        .send()
        .await;
    assert!(
        matches!(result, Err(Error::Response { .. } | Error::Dispatch(_))),
        "{result:?}"
    );
}

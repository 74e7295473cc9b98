//! With credentials set, nothing the client shows (tracing output at every level, every
//! error's Debug and Display, the client's and config's Debug) contains the secret or the
//! security token, whatever went wrong.

use std::time::Duration;

use oos_tests::Captured;

use futures::TryStreamExt;
use oos_api::{Client, Config, Credentials, RetryPolicy, SignatureMethod};
use oos_emulator::{Data, Emulator, Fault, ThrottlingCode};
use serde_json::json;

// Distinctive, so a leak in any form is found; the token has characters that percent-encoding changes.
const SECRET: &str = "Sec7etKEYvalue9";
const TOKEN: &str = "Tok3n/STS+value=";

/// Every form a leaked value could take on the way: as is, percent-encoded once or twice.
fn forms(value: &str) -> Vec<String> {
    let once = oos_api::signing::percent_encode(value);
    let twice = oos_api::signing::percent_encode(&once);
    vec![value.to_owned(), once, twice]
}

fn assert_clean(what: &str, text: &str) {
    for secret in forms(SECRET).iter().chain(&forms(TOKEN)) {
        assert!(
            !text.contains(secret.as_str()),
            "{what} shows a secret ({secret}):\n{text}"
        );
    }
}

#[test]
fn nothing_shows_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let mut shown = Vec::new();
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .data(Data::new().with_execution("exec-1", vec![json!({"Message": "m"}); 5]))
            .access_key_with_token("testid", SECRET, TOKEN)
            .start()
            .await
            .unwrap();
        let refused = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        for method in [SignatureMethod::Acs3HmacSha256, SignatureMethod::HmacSha1] {
            let config = |secret: &str, token: &str| {
                Config::builder()
                    .region("cn-hangzhou")
                    .credentials(Credentials::with_security_token("testid", secret, token))
                    .endpoint_url(emulator.url())
                    .signature_method(method)
                    .attempt_timeout(Duration::from_millis(200))
                    .retry_policy(
                        RetryPolicy::standard()
                            .initial_backoff(Duration::from_millis(1))
                            .max_backoff(Duration::from_millis(5)),
                    )
            };
            let client = Client::new(config(SECRET, TOKEN).build());
            shown.push(format!("{client:?}"));
            shown.push(format!("{:?}", config(SECRET, TOKEN).build()));

            // Success, and pagination.
            let all: Vec<_> = client
                .list_execution_logs()
                .execution_id("exec-1")
                .into_paginator()
                .page_size(2)
                .items()
                .try_collect()
                .await
                .unwrap();
            assert_eq!(all.len(), 5);

            let mut results = Vec::new();
            // The gateway echoes its string to sign, which holds the token for RPC signing.
            let wrong_secret = Client::new(config("not-the-secret", TOKEN).build());
            results.push(
                wrong_secret
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            let wrong_token = Client::new(config(SECRET, "not-the-token").build());
            results.push(
                wrong_token
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            results.push(client.list_execution_logs().send().await);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-nope")
                    .send()
                    .await,
            );
            emulator
                .faults()
                .inject_n(Fault::Throttling(ThrottlingCode::User), 3);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator.faults().inject_n(Fault::ServerError(503), 3);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator.faults().inject_n(
                Fault::NonJson {
                    status: 502,
                    body: "<html>proxy</html>".into(),
                },
                3,
            );
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator
                .faults()
                .inject_n(Fault::Slow(Duration::from_millis(400)), 3);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator.faults().inject_n(Fault::Truncated, 3);
            results.push(
                client
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            let unreachable = Client::new(
                config(SECRET, TOKEN)
                    .endpoint_url(format!("http://{refused}"))
                    .build(),
            );
            results.push(
                unreachable
                    .list_execution_logs()
                    .execution_id("exec-1")
                    .send()
                    .await,
            );
            emulator.faults().inject(Fault::RepeatToken);
            let pages: Result<Vec<_>, _> = client
                .list_execution_logs()
                .execution_id("exec-1")
                .into_paginator()
                .page_size(2)
                .try_collect()
                .await;
            results.push(pages.map(|_| Default::default()));

            for result in results {
                let e = result.expect_err("every call above fails");
                shown.push(format!("{e:?}"));
                shown.push(format!("{e}"));
                if let Some(service) = e.as_service_error() {
                    shown.push(format!("{service:?} {service}"));
                }
            }
        }
    });
    assert!(shown.len() > 40);
    for text in &shown {
        assert_clean("an error or a Debug", text);
    }
    let log = captured.text();
    assert!(
        log.contains("oos.attempt"),
        "tracing output was captured: {log}"
    );
    assert_clean("the tracing output", &log);
}

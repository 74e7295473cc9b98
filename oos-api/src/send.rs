//! The call loop, written once for every action: credentials, signing, tracing, retries,
//! timeouts, the body cap and classifying the answer. It knows an action only by what the
//! generic shell ([`Client::call`](crate::Client::call)) hands it, so it is compiled once,
//! not once per action.

// A failed attempt is the rare path: it is returned by value rather than boxed.
#![allow(clippy::result_large_err)]

use std::cell::Cell;
use std::future::Future;
use std::sync::PoisonError;
use std::time::{Duration, SystemTime};

use futures::future::Either;
use futures::FutureExt;
use tokio::time::Instant;
use tracing::{field, Instrument};

use crate::action::Method;
use crate::config::SignatureMethod;
use crate::credentials::{Credentials, CredentialsError};
use crate::error::{DispatchError, Error, ErrorMetadata};
use crate::params::Params;
use crate::redact::Redactor;
use crate::response::{self, Answer, Failed, Report};
use crate::retry::{parse_retry_after, should_retry, Failure};
use crate::service;
use crate::signing::{acs3, sign_request, Hex, SignedRequest, Signing};
use crate::Client;

/// One call, with the action erased: what the loop needs to know about it.
pub(crate) struct Request<'a> {
    /// The wire name.
    pub(crate) action: &'static str,
    /// `POST` or `GET`.
    pub(crate) method: Method,
    /// May be sent again after the service may have seen it.
    pub(crate) idempotent: bool,
    /// The action's own transient codes, besides the common ones.
    pub(crate) retryable_codes: &'static [&'static str],
    /// The parameters, written once.
    pub(crate) params: &'a Params,
    /// Parses a success body into the caller's output; `Err` says why it does not fit.
    pub(crate) parse: &'a mut (dyn FnMut(&[u8]) -> Result<(), String> + Send),
}

impl Client {
    /// Sends `request`, retrying as the policy allows, until its success body is parsed or
    /// the call fails. Service errors come back as their metadata.
    pub(crate) async fn send(&self, request: Request<'_>) -> Result<(), Error<ErrorMetadata>> {
        let span = tracing::info_span!(
            "oos.call",
            action = request.action,
            attempts = field::Empty,
            request_id = field::Empty,
            status = field::Empty,
        );
        let call_span = span.clone();
        async move {
            // The operation's deadline is not a timer of its own around the call: each wait
            // of the call (the credentials, each attempt) runs under whichever of its own
            // limit and this deadline comes first, so that an attempt sets one timer, not two.
            // A limit too large to add is no limit.
            let deadline =
                self.inner.config.operation_timeout.and_then(|limit| {
                    Some(Deadline::new(Instant::now().checked_add(limit)?, limit))
                });
            self.run(request, deadline, &call_span).await
        }
        .instrument(span)
        .await
    }

    async fn run(
        &self,
        request: Request<'_>,
        deadline: Option<Deadline>,
        call_span: &tracing::Span,
    ) -> Result<(), Error<ErrorMetadata>> {
        let config = &self.inner.config;
        let http = self
            .inner
            .http
            .as_ref()
            .map_err(|e| Error::Config(e.clone()))?;
        let endpoint = self
            .inner
            .endpoint
            .as_ref()
            .map_err(|e| Error::Config(e.clone()))?;
        let provider = config.credentials.as_ref().ok_or_else(|| {
            Error::Credentials(CredentialsError::not_configured(
                "no credentials are configured: use Config::builder().credentials(..) or \
                 Config::from_env()",
            ))
        })?;
        // At hand (static, or cached and fresh) on every call but the first and those that
        // refresh: no future to make, box and wait on.
        let credentials = match provider.provide_now() {
            Some(credentials) => credentials,
            None => {
                let provided = provider.provide();
                match deadline {
                    Some(deadline) => tokio::time::timeout_at(deadline.at, provided)
                        .await
                        .map_err(|_| Error::Timeout(deadline.limit))?,
                    None => provided.await,
                }
                .map_err(Error::Credentials)?
            }
        };
        let retryable = |code: &str| {
            service::RETRYABLE_CODES.contains(&code) || request.retryable_codes.contains(&code)
        };

        let policy = config.retry_policy;
        let mut attempt: u32 = 1;
        loop {
            // Taken per attempt and dropped before the exchange: held across its awaits, the
            // key would enlarge the call's future, which every layer above copies.
            let signed = {
                let key = match config.signature_method {
                    SignatureMethod::Acs3HmacSha256 => Some(self.signing_key(&credentials)),
                    SignatureMethod::HmacSha1 => None,
                };
                sign_request(&Signing {
                    signature: config.signature_method,
                    method: request.method,
                    action: request.action,
                    endpoint,
                    credentials: &credentials,
                    key: key.as_ref(),
                    params: request.params,
                    timestamp: timestamp_now().as_str(),
                    nonce: nonce().as_str(),
                })
            }
            .map_err(|e| Error::Credentials(CredentialsError::invalid_configuration(e)))?;
            let span = tracing::info_span!(
                "oos.attempt",
                attempt,
                status = field::Empty,
                request_id = field::Empty,
                code = field::Empty,
                latency_ms = field::Empty,
            );
            // Without a subscriber the span records nothing, so nothing is measured for it.
            let traced = !span.is_disabled() || !call_span.is_disabled();
            let started = traced.then(Instant::now);
            let mut outcome = self
                .attempt(http, signed, traced, &retryable, deadline)
                .instrument(span.clone())
                .await;
            // A success whose body does not fit the output is an unreadable answer.
            if let Ok(answer) = &outcome {
                if let Err(reason) = (request.parse)(&answer.body) {
                    outcome = Err(Failed::unreadable(
                        answer.status,
                        &answer.body,
                        format!("the success body does not have the expected shape: {reason}"),
                        answer.report.request_id.clone(),
                    ));
                }
            }
            if let Some(started) = started {
                let report = match &outcome {
                    Ok(answer) => &answer.report,
                    Err(failed) => &failed.report,
                };
                span.record("latency_ms", started.elapsed().as_millis() as u64);
                call_span.record("attempts", attempt);
                if let Some(status) = report.status {
                    span.record("status", status);
                    call_span.record("status", status);
                }
                if let Some(request_id) = &report.request_id {
                    span.record("request_id", request_id.as_str());
                    call_span.record("request_id", request_id.as_str());
                }
                if let Some(code) = &report.code {
                    span.record("code", code.as_str());
                }
            }
            let mut failed = match outcome {
                Ok(_) => return Ok(()),
                Err(failed) => failed,
            };
            // Built on the error path only: a successful call never needs it.
            failed.error = Redactor::new(&credentials).error(failed.error);
            if attempt >= policy.attempts() || !should_retry(failed.failure, request.idempotent) {
                return Err(failed.error);
            }
            let Some(wait) = policy.backoff(attempt, rand::random::<f64>(), failed.retry_after)
            else {
                return Err(failed.error);
            };
            // Sleeping into the deadline would only trade a meaningful error for a timeout.
            let past_deadline = |deadline: Instant| {
                Instant::now()
                    .checked_add(wait)
                    .is_none_or(|resume| resume >= deadline)
            };
            if deadline.is_some_and(|deadline| past_deadline(deadline.at)) {
                return Err(failed.error);
            }
            tracing::debug!(attempt, failure = ?failed.failure, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// The V3 signing key of `credentials`, prepared once per secret rather than per
    /// request: the same credentials come back call after call until they are refreshed.
    pub(crate) fn signing_key(&self, credentials: &Credentials) -> acs3::SigningKey {
        let secret = credentials.access_key_secret();
        let mut cached = self
            .inner
            .signing_key
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &*cached {
            Some((for_secret, key)) if for_secret == secret => key.clone(),
            _ => {
                let key = acs3::SigningKey::new(secret);
                *cached = Some((secret.to_owned(), key.clone()));
                key
            }
        }
    }

    /// One attempt, under the attempt timeout. `traced` says whether a subscriber records the
    /// attempt's span, which is all a success's request id is read for.
    ///
    /// Not an `async fn`: the request is handed to reqwest before the future is made, so that
    /// the future holds neither the signed parts nor the request (an `async fn` keeps its
    /// arguments, and a future moved out of a local keeps its room as well). The call's
    /// future stays small, which matters as every layer above copies it as it is made.
    fn attempt<'a>(
        &'a self,
        http: &reqwest::Client,
        signed: SignedRequest,
        traced: bool,
        retryable: &'a (dyn Fn(&str) -> bool + Sync),
        operation: Option<Deadline>,
    ) -> impl Future<Output = Result<Answer, Failed>> + Send + 'a {
        // Built directly, so that the signed header map is moved into the request rather
        // than copied header by header as `RequestBuilder::headers` does.
        let mut request = reqwest::Request::new(signed.method, signed.url);
        *request.headers_mut() = signed.headers;
        *request.body_mut() = signed.body.map(reqwest::Body::from);
        let exchange = self.exchange(http.execute(request), traced, retryable);
        let own = self
            .inner
            .config
            .attempt_timeout
            .and_then(|limit| Some(Deadline::new(Instant::now().checked_add(limit)?, limit)));
        match Deadline::first(own, operation) {
            Some(Deadline { at, limit }) => {
                Either::Left(tokio::time::timeout_at(at, exchange).map(move |done| {
                    done.unwrap_or_else(|_| {
                        Err(Failed::new(
                            Error::Timeout(limit),
                            Failure::Timeout,
                            Report::default(),
                        ))
                    })
                }))
            }
            None => Either::Right(exchange),
        }
    }

    /// Sends the request and reads and classifies its answer.
    async fn exchange(
        &self,
        pending: impl Future<Output = Result<reqwest::Response, reqwest::Error>>,
        traced: bool,
        retryable: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Answer, Failed> {
        let config = &self.inner.config;
        let response = pending.await.map_err(|e| {
            // The connect timeout is the client's own only when the client made its
            // transport; a given one times out by its own settings, which it alone knows.
            let own = config
                .http_client
                .is_none()
                .then_some(config.connect_timeout);
            dispatch_failure(e, own)
        })?;
        let status = response.status().as_u16();
        let success = (200..300).contains(&status);
        let headers = response.headers();
        // A success needs its request id only for tracing, and a wait only matters
        // after a failure.
        let header_request_id = (traced || !success)
            .then(|| header_str(headers, "x-acs-request-id").map(str::to_owned))
            .flatten();
        let retry_after = (!success)
            .then(|| header_str(headers, "x-acs-retry-after").and_then(parse_retry_after))
            .flatten();
        let mut result = match response::read_body(response, config.max_response_bytes).await {
            Ok(body) => {
                let mut result =
                    response::interpret(status, body, header_request_id.as_deref(), retryable);
                // Parsing the body a second time for its id is worth it only when a
                // subscriber records it.
                if let Ok(answer) = &mut result {
                    if traced && answer.report.request_id.is_none() {
                        answer.report.request_id = response::body_request_id(&answer.body);
                    }
                }
                result
            }
            Err(body_failure) => Err(body_failure.into_failed(status, header_request_id)),
        };
        if let Err(failed) = &mut result {
            failed.retry_after = retry_after;
        }
        result
    }
}

/// When a wait must end, and the configured limit that set it, which a timeout reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    fn new(at: Instant, limit: Duration) -> Self {
        Self { at, limit }
    }

    /// The one that comes first; `a` on a tie.
    fn first(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

/// A timestamp as both signatures want it, `2016-02-23T12:46:24Z`, kept on the stack.
#[derive(Clone, Copy)]
pub(crate) struct Timestamp {
    text: [u8; 20],
}

impl Timestamp {
    pub(crate) fn as_str(&self) -> &str {
        // Written from ASCII digits and separators only.
        std::str::from_utf8(&self.text).unwrap_or_default()
    }
}

const TIMESTAMP_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

fn format_timestamp(t: time::OffsetDateTime) -> Option<Timestamp> {
    let mut text = [0; 20];
    let mut rest = &mut text[..];
    // A year past 9999 does not fit and has no timestamp the service would take either.
    let written = t.format_into(&mut rest, TIMESTAMP_FORMAT).ok()?;
    (written == 20).then_some(Timestamp { text })
}

thread_local! {
    /// The last second formatted on this thread and its text: calls made within the same
    /// second (all but one in a busy client) reuse it.
    static LAST_TIMESTAMP: Cell<Option<(u64, Timestamp)>> = const { Cell::new(None) };
}

/// The current UTC time.
pub(crate) fn timestamp_now() -> Timestamp {
    let now = SystemTime::now();
    let second = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if let Some((cached, text)) = LAST_TIMESTAMP.get() {
        if cached == second {
            return text;
        }
    }
    let fresh = format_timestamp(time::OffsetDateTime::from(now)).unwrap_or(Timestamp {
        text: *b"9999-12-31T23:59:59Z",
    });
    LAST_TIMESTAMP.set(Some((second, fresh)));
    fresh
}

/// A fresh random nonce; the service rejects a nonce it has seen (`SignatureNonceUsed`).
pub(crate) fn nonce() -> Hex<32> {
    Hex::encode(&rand::random::<[u8; 16]>())
}

fn header_str<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// `connect_timeout`: the transport's connect timeout when this crate set it (`None` for a
/// client the caller gave), the only timeout of the transport's own that a reqwest error
/// reports without naming it.
fn dispatch_failure(error: reqwest::Error, connect_timeout: Option<Duration>) -> Failed {
    let failure = if error.is_connect() {
        // Nothing reached the service, so even a non-idempotent action may be sent again.
        Failure::Connect
    } else if error.is_timeout() {
        Failure::Timeout
    } else {
        Failure::Transport
    };
    let error = match connect_timeout {
        Some(after) if error.is_timeout() && !error.is_connect() => Error::Timeout(after),
        _ => Error::Dispatch(DispatchError::new(error)),
    };
    Failed::new(error, failure, Report::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signing_key_follows_the_secret() {
        let client = Client::new(
            crate::Config::builder()
                .endpoint_url("http://127.0.0.1:9")
                .build(),
        );
        let (a, b) = (
            Credentials::new("id", "secret-a"),
            Credentials::new("id", "secret-b"),
        );
        for credentials in [&a, &a, &b, &a] {
            let key = client.signing_key(credentials);
            assert_eq!(
                key.signature("text").as_str(),
                acs3::signature(credentials.access_key_secret(), "text")
            );
        }
    }

    #[test]
    fn timestamps_and_nonces() {
        let format = |t| format_timestamp(t).map(|t| t.as_str().to_owned());
        let t = time::macros::datetime!(2016-02-03 04:05:06 UTC);
        assert_eq!(format(t).as_deref(), Some("2016-02-03T04:05:06Z"));
        let t = time::macros::datetime!(0999-12-31 23:59:59 UTC);
        assert_eq!(format(t).as_deref(), Some("0999-12-31T23:59:59Z"));
        let now = timestamp_now();
        let expected = format(time::OffsetDateTime::now_utc()).expect("formats");
        // Unless the second turned in between, the cached text is the current time's.
        let again = timestamp_now();
        assert!(again.as_str() == now.as_str() || again.as_str() == expected);
        assert!(now.as_str() <= expected.as_str());
        assert_eq!(now.as_str().len(), 20);
        let (a, b) = (nonce(), nonce());
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.as_str(), b.as_str());
    }
}

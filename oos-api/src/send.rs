//! The call loop, written once for every action: credentials, signing, tracing, retries,
//! timeouts, the body cap and classifying the answer. It knows an action only by what the
//! generic shell ([`Client::call`](crate::Client::call)) hands it, so it is compiled once,
//! not once per action.

// A failed attempt is the rare path: it is returned by value rather than boxed.
#![allow(clippy::result_large_err)]

use std::time::Duration;

use tokio::time::Instant;
use tracing::{field, Instrument};

use crate::action::Method;
use crate::error::{Error, ErrorMetadata};
use crate::params::Params;
use crate::redact::Redactor;
use crate::response::{self, error_chain, Answer, Failed, Report};
use crate::retry::{parse_retry_after, should_retry, Failure};
use crate::service;
use crate::signing::{sign_request, SignedRequest, Signing};
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
            match self.inner.config.operation_timeout {
                Some(limit) => {
                    // A limit too large to add is no limit.
                    let deadline = Instant::now().checked_add(limit);
                    tokio::time::timeout(limit, self.run(request, deadline, &call_span))
                        .await
                        .unwrap_or(Err(Error::Timeout(limit)))
                }
                None => self.run(request, None, &call_span).await,
            }
        }
        .instrument(span)
        .await
    }

    async fn run(
        &self,
        request: Request<'_>,
        deadline: Option<Instant>,
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
            Error::Credentials(
                "no credentials are configured: use Config::builder().credentials(..) or \
                 Config::from_env()"
                    .to_owned(),
            )
        })?;
        let credentials = provider
            .provide()
            .await
            .map_err(|e| Error::Credentials(e.to_string()))?;
        let retryable = |code: &str| {
            service::RETRYABLE_CODES.contains(&code) || request.retryable_codes.contains(&code)
        };

        let policy = config.retry_policy;
        let mut attempt: u32 = 1;
        loop {
            let signed = sign_request(&Signing {
                signature: config.signature_method,
                method: request.method,
                action: request.action,
                endpoint,
                credentials: &credentials,
                params: request.params,
                timestamp: &timestamp_now(),
                nonce: &nonce(),
            })
            .map_err(Error::Credentials)?;
            let span = tracing::info_span!(
                "oos.attempt",
                attempt,
                status = field::Empty,
                request_id = field::Empty,
                code = field::Empty,
                latency_ms = field::Empty,
            );
            let started = Instant::now();
            let mut outcome = self
                .attempt(http, signed, !span.is_disabled(), &retryable)
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
            if deadline.is_some_and(past_deadline) {
                return Err(failed.error);
            }
            tracing::debug!(attempt, failure = ?failed.failure, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt. `traced` says whether a subscriber records the attempt's span, which is
    /// all a success's request id is read for.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        request: SignedRequest,
        traced: bool,
        retryable: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Answer, Failed> {
        let config = &self.inner.config;
        let exchange = async {
            let mut builder = http
                .request(request.method, request.url)
                .headers(request.headers);
            if let Some(body) = request.body {
                builder = builder.body(body);
            }
            let response = builder
                .send()
                .await
                .map_err(|e| dispatch_failure(e, config.connect_timeout))?;
            let status = response.status().as_u16();
            let headers = response.headers();
            let header_request_id = header_str(headers, "x-acs-request-id").map(str::to_owned);
            let retry_after = header_str(headers, "x-acs-retry-after").and_then(parse_retry_after);
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
        };
        match config.attempt_timeout {
            Some(limit) => tokio::time::timeout(limit, exchange)
                .await
                .unwrap_or_else(|_| {
                    Err(Failed::new(
                        Error::Timeout(limit),
                        Failure::Timeout,
                        Report::default(),
                    ))
                }),
            None => exchange.await,
        }
    }
}

/// The current UTC time as both signatures want it: `2016-02-23T12:46:24Z`.
pub(crate) fn timestamp_now() -> String {
    format_timestamp(time::OffsetDateTime::now_utc())
}

fn format_timestamp(t: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A fresh random nonce; the service rejects a nonce it has seen (`SignatureNonceUsed`).
pub(crate) fn nonce() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn header_str<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn dispatch_failure(error: reqwest::Error, connect_timeout: Duration) -> Failed {
    let error = error.without_url();
    let failure = if error.is_connect() {
        // Nothing reached the service, so even a non-idempotent action may be sent again.
        Failure::Connect
    } else if error.is_timeout() {
        Failure::Timeout
    } else {
        Failure::Transport
    };
    let error = if error.is_timeout() && !error.is_connect() {
        Error::Timeout(connect_timeout)
    } else {
        Error::Dispatch(error_chain(&error))
    };
    Failed::new(error, failure, Report::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_nonces() {
        let t = time::macros::datetime!(2016-02-03 04:05:06 UTC);
        assert_eq!(format_timestamp(t), "2016-02-03T04:05:06Z");
        assert_eq!(timestamp_now().len(), 20);
        let (a, b) = (nonce(), nonce());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}

//! The client: validates, signs, sends, reads and retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::time::Instant;
use tracing::{field, Instrument};

use crate::action::{Action, ServiceError};
use crate::config::{Config, SignatureMethod};
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorMetadata};
use crate::params::Params;
use crate::redact::Redactor;
use crate::retry::{parse_retry_after, should_retry, Failure};
use crate::service;
use crate::signing::{acs3, canonical_query, percent_encode, rpc};

const USER_AGENT: &str = concat!("oos-rs/", env!("CARGO_PKG_VERSION"));

/// A client for OOS. Cheap to clone: clones share one configuration and connection pool.
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use oos_api::{Client, Config, Credentials};
///
/// let config = Config::builder()
///     .region("cn-hangzhou")
///     .credentials(Credentials::new("access-key-id", "access-key-secret"))
///     .build();
/// let client = Client::new(config);
/// let logs = client.list_execution_logs().execution_id("exec-123").send().await?;
/// # let _ = logs;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// Kept as a result so that building a client never fails or panics; a TLS backend that
    /// cannot start is reported by the first call.
    http: Result<reqwest::Client, String>,
    /// Resolved once: the configuration cannot change after the client is built.
    endpoint: Result<Endpoint, String>,
}

impl Client {
    /// A client with the given configuration.
    pub fn new(config: Config) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // A redirect would replay a signed request elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| format!("the HTTP client could not be created: {}", error_chain(&e)));
        let endpoint = Endpoint::resolve(&config);
        Self {
            inner: Arc::new(Inner {
                config,
                http,
                endpoint,
            }),
        }
    }

    /// A client configured from the environment; see [`Config::from_env`].
    pub fn from_env() -> Self {
        Self::new(Config::from_env())
    }

    /// The client's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends one request of any action and returns its parsed answer.
    ///
    /// This is the generic entry point behind every `client.operation().send()`: it validates
    /// the input (a missing required parameter fails with [`Error::Construction`] and nothing
    /// is sent), signs each attempt afresh, retries transient failures as the
    /// [`RetryPolicy`](crate::RetryPolicy) allows and turns OOS error bodies into the
    /// action's typed error ([`Error::Service`]).
    ///
    /// Actions that are not idempotent are sent again only when the request provably never
    /// reached the service, or when it carries an idempotency token (`ClientToken`), which is
    /// filled once here so that every attempt carries the same one.
    pub async fn call<I: Action>(&self, mut input: I) -> Result<I::Output, Error<I::Error>> {
        let span = tracing::info_span!(
            "oos.call",
            action = I::NAME,
            attempts = field::Empty,
            request_id = field::Empty,
            status = field::Empty,
        );
        let call_span = span.clone();
        async move {
            input.validate().map_err(Error::Construction)?;
            // Filled once, before the first attempt, so that every attempt carries the same token.
            let has_token = input.ensure_idempotency_token();
            let idempotent = I::IDEMPOTENT || has_token;
            match self.inner.config.operation_timeout {
                Some(limit) => {
                    // A limit too large to add is no limit.
                    let deadline = Instant::now().checked_add(limit);
                    tokio::time::timeout(limit, self.run(&input, idempotent, deadline, &call_span))
                        .await
                        .unwrap_or(Err(Error::Timeout(limit)))
                }
                None => self.run(&input, idempotent, None, &call_span).await,
            }
        }
        .instrument(span)
        .await
    }

    pub(crate) async fn execute<I: Action>(&self, input: I) -> Result<I::Output, Error<I::Error>> {
        self.call(input).await
    }

    async fn run<I: Action>(
        &self,
        input: &I,
        idempotent: bool,
        deadline: Option<Instant>,
        call_span: &tracing::Span,
    ) -> Result<I::Output, Error<I::Error>> {
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
        let mut params = Params::new();
        input.write_params(&mut params);

        let policy = config.retry_policy;
        let mut attempt: u32 = 1;
        loop {
            let request = sign_request(
                config.signature_method,
                I::NAME,
                endpoint,
                &credentials,
                &params,
                &timestamp_now(),
                &nonce(),
            )
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
            let outcome = self
                .attempt::<I>(http, request, !span.is_disabled())
                .instrument(span.clone())
                .await;
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
                Ok(answer) => return Ok(answer.output),
                Err(failed) => failed,
            };
            // Built on the error path only: a successful call never needs it.
            failed.error = Redactor::new(&credentials).error(failed.error);
            if attempt >= policy.attempts() || !should_retry(failed.failure, idempotent) {
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
    async fn attempt<I: Action>(
        &self,
        http: &reqwest::Client,
        request: SignedRequest,
        traced: bool,
    ) -> Result<Answer<I::Output>, Failed<I::Error>> {
        let config = &self.inner.config;
        let exchange = async {
            let response = http
                .post(request.url)
                .headers(request.headers)
                .send()
                .await
                .map_err(|e| dispatch_failure(e, config.connect_timeout))?;
            let status = response.status().as_u16();
            let headers = response.headers();
            let header_request_id = header_str(headers, "x-acs-request-id").map(str::to_owned);
            let retry_after = header_str(headers, "x-acs-retry-after").and_then(parse_retry_after);
            let body = read_body(response, config.max_response_bytes).await;
            let mut result = match body {
                Ok(body) => {
                    let mut result = interpret::<I::Output, I::Error>(
                        status,
                        &body,
                        header_request_id.as_deref(),
                    );
                    // Parsing the body a second time for its id is worth it only when a
                    // subscriber records it.
                    if let Ok(answer) = &mut result {
                        if traced && answer.report.request_id.is_none() {
                            answer.report.request_id = body_request_id(&body);
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

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// What an attempt learnt, for tracing.
#[derive(Debug, Default)]
struct Report {
    status: Option<u16>,
    request_id: Option<String>,
    code: Option<String>,
}

#[derive(Debug)]
struct Answer<O> {
    output: O,
    report: Report,
}

/// A failed attempt: the error to return, how retrying sees it, and the service's least wait.
struct Failed<E> {
    error: Error<E>,
    failure: Failure,
    retry_after: Option<Duration>,
    report: Report,
}

impl<E> Failed<E> {
    fn new(error: Error<E>, failure: Failure, report: Report) -> Self {
        Self {
            error,
            failure,
            retry_after: None,
            report,
        }
    }
}

impl<E> fmt::Debug for Failed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Failed")
            .field("failure", &self.failure)
            .field("report", &self.report)
            .finish()
    }
}

/// A request ready to send: its URL (query included) and headers, signed.
#[derive(Debug)]
struct SignedRequest {
    url: reqwest::Url,
    headers: HeaderMap,
}

/// The current UTC time as both signatures want it: `2016-02-23T12:46:24Z`.
fn timestamp_now() -> String {
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
fn nonce() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Signs one attempt of `action` with `params`. Fails only when a credential cannot be put in
/// a header; the message never shows its value.
fn sign_request(
    method: SignatureMethod,
    action: &str,
    endpoint: &Endpoint,
    credentials: &Credentials,
    params: &Params,
    timestamp: &str,
    nonce: &str,
) -> Result<SignedRequest, String> {
    let mut pairs: Vec<(&str, &str)> = params.iter().collect();
    let mut headers: Vec<(&str, String)> = vec![("host", endpoint.host().to_owned())];
    let query = match method {
        SignatureMethod::Acs3HmacSha256 => {
            let hashed_payload = acs3::EMPTY_PAYLOAD_SHA256;
            headers.extend([
                ("x-acs-action", action.to_owned()),
                ("x-acs-version", service::API_VERSION.to_owned()),
                ("x-acs-date", timestamp.to_owned()),
                ("x-acs-signature-nonce", nonce.to_owned()),
                ("x-acs-content-sha256", hashed_payload.to_owned()),
            ]);
            if let Some(token) = credentials.security_token() {
                headers.push(("x-acs-security-token", token.to_owned()));
            }
            let signing_headers: Vec<(&str, &str)> =
                headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let query = canonical_query(&pairs);
            let (canonical_request, signed_headers) = acs3::canonical_request_with_query(
                "POST",
                endpoint.canonical_uri(),
                &query,
                &signing_headers,
                hashed_payload,
            );
            let signature = acs3::signature(
                credentials.access_key_secret(),
                &acs3::string_to_sign(&canonical_request),
            );
            let authorization =
                acs3::authorization(credentials.access_key_id(), &signed_headers, &signature);
            headers.push(("authorization", authorization));
            query
        }
        SignatureMethod::HmacSha1 => {
            pairs.extend([
                ("Action", action),
                ("Version", service::API_VERSION),
                ("Format", "JSON"),
                ("AccessKeyId", credentials.access_key_id()),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureVersion", "1.0"),
                ("SignatureNonce", nonce),
                ("Timestamp", timestamp),
            ]);
            if let Some(token) = credentials.security_token() {
                pairs.push(("SecurityToken", token));
            }
            let mut query = canonical_query(&pairs);
            let signature = rpc::signature(
                credentials.access_key_secret(),
                &rpc::string_to_sign_with_query("POST", &query),
            );
            // The gateway sorts what it receives, so the signature may simply come last.
            query.push_str("&Signature=");
            query.push_str(&percent_encode(&signature));
            query
        }
    };
    let mut header_map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let value = HeaderValue::try_from(value).map_err(|_| match name {
            "x-acs-security-token" => {
                "the security token contains characters not allowed in an HTTP header".to_owned()
            }
            "authorization" => {
                "the AccessKey id contains characters not allowed in an HTTP header".to_owned()
            }
            _ => format!("the {name} header value is not valid"),
        })?;
        header_map.insert(HeaderName::from_static(name), value);
    }
    Ok(SignedRequest {
        url: endpoint.url_with_query(&query),
        headers: header_map,
    })
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// A reqwest error and its causes, without the URL (whose query may carry a security token).
fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn dispatch_failure<E>(error: reqwest::Error, connect_timeout: Duration) -> Failed<E> {
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

/// Why a body could not be read in full.
struct BodyFailure {
    partial: Vec<u8>,
    reason: String,
    interrupted: bool,
}

impl BodyFailure {
    fn into_failed<E>(self, status: u16, request_id: Option<String>) -> Failed<E> {
        let error = Error::Response {
            status,
            body: String::from_utf8_lossy(&self.partial).into_owned(),
            reason: self.reason,
        };
        let report = Report {
            status: Some(status),
            request_id,
            code: None,
        };
        Failed::new(
            error,
            Failure::Response {
                status,
                interrupted: self.interrupted,
            },
            report,
        )
    }
}

/// Reads the body chunk by chunk, giving up past `cap` bytes so a runaway answer cannot
/// exhaust memory.
async fn read_body(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, BodyFailure> {
    let too_large = |partial: Vec<u8>| BodyFailure {
        partial,
        reason: format!(
            "the response body is larger than the {cap}-byte limit (Config max_response_bytes)"
        ),
        interrupted: false,
    };
    let declared = response.content_length();
    if declared.is_some_and(|len| len > cap as u64) {
        return Err(too_large(Vec::new()));
    }
    // The declared length (already under the cap) saves regrowing the buffer chunk by chunk;
    // it is only a hint, the cap is enforced on what arrives.
    let mut body = Vec::with_capacity(declared.map_or(0, |len| len as usize));
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > cap {
                    body.extend_from_slice(&chunk[..cap - body.len()]);
                    return Err(too_large(body));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                let reason = format!(
                    "reading the response body failed: {}",
                    error_chain(&e.without_url())
                );
                return Err(BodyFailure {
                    partial: body,
                    reason,
                    interrupted: true,
                });
            }
        }
    }
}

/// Turns a complete answer into the output or a classified failure. Errors are told apart by
/// the body's `Code`, not the status: OOS throttles with 400.
fn interpret<O, E>(
    status: u16,
    body: &[u8],
    header_request_id: Option<&str>,
) -> Result<Answer<O>, Failed<E>>
where
    O: serde::de::DeserializeOwned,
    E: ServiceError,
{
    let unreadable = |reason: String, request_id: Option<String>| {
        let error = Error::Response {
            status,
            body: String::from_utf8_lossy(body).into_owned(),
            reason,
        };
        let report = Report {
            status: Some(status),
            request_id,
            code: None,
        };
        Failed::new(
            error,
            Failure::Response {
                status,
                interrupted: false,
            },
            report,
        )
    };
    if (200..300).contains(&status) {
        let request_id = header_request_id.map(str::to_owned);
        return match serde_json::from_slice::<O>(body) {
            Ok(output) => Ok(Answer {
                output,
                report: Report {
                    status: Some(status),
                    request_id,
                    code: None,
                },
            }),
            Err(e) => Err(unreadable(
                format!("the success body does not have the expected shape: {e}"),
                request_id,
            )),
        };
    }
    let Some(metadata) = error_metadata(status, body, header_request_id) else {
        let request_id = header_request_id.map(str::to_owned);
        return Err(unreadable(
            format!("HTTP {status} without an OOS error body (no JSON `Code`)"),
            request_id,
        ));
    };
    let report = Report {
        status: Some(status),
        request_id: metadata.request_id.clone(),
        code: Some(metadata.code.clone()),
    };
    let error = E::from_metadata(metadata);
    let failure = Failure::Service {
        retryable_code: error.is_retryable(),
        status,
    };
    Err(Failed::new(Error::Service(error), failure, report))
}

/// Parses one HTTP answer (status and complete body) as the client does; exposed for fuzzing.
#[doc(hidden)]
pub fn interpret_answer<I: Action>(status: u16, body: &[u8]) -> Result<I::Output, Error<I::Error>> {
    interpret::<I::Output, I::Error>(status, body, None)
        .map(|answer| answer.output)
        .map_err(|failed| failed.error)
}

/// Reads an OOS error body `{RequestId, HostId, Code, Message, Recommend}`; `None` when the
/// body is not JSON or has no `Code`.
fn error_metadata(
    status: u16,
    body: &[u8],
    header_request_id: Option<&str>,
) -> Option<ErrorMetadata> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let text = |name: &str| match object.get(name)? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Some(ErrorMetadata {
        code: text("Code")?,
        message: text("Message"),
        request_id: text("RequestId").or_else(|| header_request_id.map(str::to_owned)),
        host_id: text("HostId"),
        recommend: text("Recommend"),
        http_status: status,
    })
}

fn body_request_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct WithRequestId {
        #[serde(rename = "RequestId")]
        request_id: Option<String>,
    }
    serde_json::from_slice::<WithRequestId>(body)
        .ok()?
        .request_id
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use percent_encoding::percent_decode_str;

    use super::*;
    use crate::operation::list_execution_logs::{
        ListExecutionLogsError, ListExecutionLogsInput, ListExecutionLogsOutput,
    };

    const TS: &str = "2026-01-02T03:04:05Z";
    const NONCE: &str = "0123456789abcdef0123456789abcdef";

    fn endpoint() -> Endpoint {
        Endpoint::resolve(&Config::builder().region("cn-hangzhou").build()).expect("endpoint")
    }

    fn params() -> Params {
        let mut p = Params::new();
        p.set("ExecutionId", "exec-1 *~/".to_owned());
        p.set("MaxResults", "50".to_owned());
        p
    }

    /// The query as the server decodes it.
    fn decoded_query(url: &reqwest::Url) -> Vec<(String, String)> {
        let decode = |s: &str| {
            percent_decode_str(s)
                .decode_utf8()
                .expect("utf-8")
                .into_owned()
        };
        url.query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').expect("k=v");
                (decode(k), decode(v))
            })
            .collect()
    }

    fn header<'a>(r: &'a SignedRequest, name: &str) -> Option<&'a str> {
        r.headers
            .get(name)
            .map(|v| v.to_str().expect("ascii header"))
    }

    #[test]
    fn v3_request_verifies_as_a_server_would() {
        let creds = Credentials::with_security_token("AKID", "secret", "TOKEN");
        let r = sign_request(
            SignatureMethod::Acs3HmacSha256,
            "ListExecutionLogs",
            &endpoint(),
            &creds,
            &params(),
            TS,
            NONCE,
        )
        .expect("signed");
        assert_eq!(r.url.path(), "/");
        assert_eq!(
            r.url.query(),
            Some("ExecutionId=exec-1%20%2A~%2F&MaxResults=50")
        );
        assert_eq!(header(&r, "host"), Some("oos.cn-hangzhou.aliyuncs.com"));
        assert_eq!(header(&r, "x-acs-action"), Some("ListExecutionLogs"));
        assert_eq!(header(&r, "x-acs-version"), Some("2019-06-01"));
        assert_eq!(header(&r, "x-acs-date"), Some(TS));
        assert_eq!(header(&r, "x-acs-signature-nonce"), Some(NONCE));
        assert_eq!(
            header(&r, "x-acs-content-sha256"),
            Some(acs3::hashed_payload(b"").as_str())
        );
        assert_eq!(header(&r, "x-acs-security-token"), Some("TOKEN"));

        // Recompute from what is on the wire only.
        let query = decoded_query(&r.url);
        let query: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let headers: Vec<(&str, &str)> = r
            .headers
            .iter()
            .filter(|(n, _)| n.as_str() != "authorization")
            .map(|(n, v)| (n.as_str(), v.to_str().expect("ascii")))
            .collect();
        let (canonical, signed) = acs3::canonical_request(
            "POST",
            r.url.path(),
            &query,
            &headers,
            &acs3::hashed_payload(b""),
        );
        assert_eq!(
            signed,
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version"
        );
        let expected = acs3::authorization(
            "AKID",
            &signed,
            &acs3::signature("secret", &acs3::string_to_sign(&canonical)),
        );
        assert_eq!(header(&r, "authorization"), Some(expected.as_str()));
        assert!(!r.url.as_str().contains("TOKEN"));
    }

    #[test]
    fn rpc_request_verifies_as_a_server_would() {
        let creds = Credentials::with_security_token("AKID", "secret", "TOK+/=");
        let r = sign_request(
            SignatureMethod::HmacSha1,
            "ListExecutionLogs",
            &endpoint(),
            &creds,
            &params(),
            TS,
            NONCE,
        )
        .expect("signed");
        assert_eq!(header(&r, "host"), Some("oos.cn-hangzhou.aliyuncs.com"));
        assert!(header(&r, "authorization").is_none());
        let query: BTreeMap<String, String> = decoded_query(&r.url).into_iter().collect();
        let expect = |k: &str| query.get(k).map(String::as_str);
        assert_eq!(expect("Action"), Some("ListExecutionLogs"));
        assert_eq!(expect("Version"), Some("2019-06-01"));
        assert_eq!(expect("Format"), Some("JSON"));
        assert_eq!(expect("AccessKeyId"), Some("AKID"));
        assert_eq!(expect("SignatureMethod"), Some("HMAC-SHA1"));
        assert_eq!(expect("SignatureVersion"), Some("1.0"));
        assert_eq!(expect("SignatureNonce"), Some(NONCE));
        assert_eq!(expect("Timestamp"), Some(TS));
        assert_eq!(expect("SecurityToken"), Some("TOK+/="));
        assert_eq!(expect("ExecutionId"), Some("exec-1 *~/"));

        let unsigned: Vec<(&str, &str)> = query
            .iter()
            .filter(|(k, _)| *k != "Signature")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let signature = rpc::signature("secret", &rpc::string_to_sign("POST", &unsigned));
        assert_eq!(expect("Signature"), Some(signature.as_str()));
        // The URL is the canonical query that was signed, then the signature.
        let sent = format!(
            "{}&Signature={}",
            canonical_query(&unsigned),
            percent_encode(&signature)
        );
        assert_eq!(r.url.query(), Some(sent.as_str()));
    }

    #[test]
    fn bad_token_is_refused_without_showing_it() {
        let creds = Credentials::with_security_token("AKID", "secret", "bad\ntokenvalue");
        let err = sign_request(
            SignatureMethod::Acs3HmacSha256,
            "A",
            &endpoint(),
            &creds,
            &Params::new(),
            TS,
            NONCE,
        )
        .expect_err("newline in header");
        assert!(
            err.contains("security token") && !err.contains("tokenvalue"),
            "{err}"
        );
    }

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

    type Interpreted = Result<Answer<ListExecutionLogsOutput>, Box<Failed<ListExecutionLogsError>>>;

    fn run(status: u16, body: &str, request_id: Option<&str>) -> Interpreted {
        interpret(status, body.as_bytes(), request_id).map_err(Box::new)
    }

    #[test]
    fn success_body_parses() {
        let body = r#"{"RequestId":"r1","ExecutionLogs":[{"Message":"m","Timestamp":"t"}],"NextToken":"n"}"#;
        let answer = run(200, body, Some("hdr")).expect("ok");
        assert_eq!(answer.output.next_token.as_deref(), Some("n"));
        assert_eq!(answer.report.request_id.as_deref(), Some("hdr"));
        assert_eq!(answer.report.status, Some(200));
        // Without the header, the body's id is read by the attempt, and only when traced.
        let answer = run(200, body, None).expect("ok");
        assert_eq!(answer.report.request_id, None);
    }

    #[test]
    fn unparseable_success_is_a_response_error() {
        let failed = run(200, "<html>oops</html>", Some("hdr")).expect_err("not json");
        assert!(
            matches!(&failed.error, Error::Response { status: 200, body, .. } if body == "<html>oops</html>")
        );
        assert_eq!(
            failed.failure,
            Failure::Response {
                status: 200,
                interrupted: false
            }
        );
        let failed = run(200, r#"{"ExecutionLogs": 5}"#, None).expect_err("wrong shape");
        assert!(matches!(failed.error, Error::Response { .. }));
    }

    #[test]
    fn error_bodies_are_classified_by_code() {
        let body = r#"{"RequestId":"r2","HostId":"oos.cn-hangzhou.aliyuncs.com","Code":"Throttling","Message":"slow down","Recommend":"https://x"}"#;
        let failed = run(400, body, None).expect_err("throttled");
        assert_eq!(
            failed.failure,
            Failure::Service {
                retryable_code: true,
                status: 400
            }
        );
        let Error::Service(ListExecutionLogsError::Throttling(m)) = &failed.error else {
            panic!("expected Throttling, got {:?}", failed.error)
        };
        assert_eq!(
            m,
            &ErrorMetadata {
                code: "Throttling".into(),
                message: Some("slow down".into()),
                request_id: Some("r2".into()),
                host_id: Some("oos.cn-hangzhou.aliyuncs.com".into()),
                recommend: Some("https://x".into()),
                http_status: 400,
            }
        );
        assert_eq!(failed.report.code.as_deref(), Some("Throttling"));

        let failed = run(
            404,
            r#"{"Code":"EntityNotExists.Execution"}"#,
            Some("hdr-id"),
        )
        .expect_err("404");
        assert_eq!(
            failed.failure,
            Failure::Service {
                retryable_code: false,
                status: 404
            }
        );
        let service = failed.error.as_service_error().expect("service error");
        assert!(matches!(
            service,
            ListExecutionLogsError::EntityNotExistsExecution(_)
        ));
        assert_eq!(service.metadata().request_id.as_deref(), Some("hdr-id"));

        let failed = run(503, r#"{"Code":"SomethingNew","Message":"m"}"#, None).expect_err("503");
        assert_eq!(
            failed.failure,
            Failure::Service {
                retryable_code: false,
                status: 503
            }
        );
        assert!(matches!(
            failed.error,
            Error::Service(ListExecutionLogsError::Unhandled(_))
        ));
    }

    #[test]
    fn foreign_error_bodies_are_response_errors() {
        for (status, body) in [
            (502, "<html><body>Bad Gateway</body></html>"),
            (400, r#"{"Message":"no code"}"#),
            (500, r#"{"Code":""}"#),
            (403, r#"["Code"]"#),
            (400, r#"{"Code":"Thrott"#),
        ] {
            let failed = run(status, body, None).expect_err("foreign");
            match &failed.error {
                Error::Response {
                    status: s,
                    body: b,
                    reason,
                } => {
                    assert_eq!((*s, b.as_str()), (status, body));
                    assert!(reason.contains("Code"), "{reason}");
                }
                other => panic!("{status} {body}: {other:?}"),
            }
            assert_eq!(
                failed.failure,
                Failure::Response {
                    status,
                    interrupted: false
                }
            );
        }
    }

    #[test]
    fn interpret_answer_is_interpret() {
        type Logs = ListExecutionLogsInput;
        let output = interpret_answer::<Logs>(200, br#"{"NextToken":"n"}"#).expect("ok");
        assert_eq!(output.next_token.as_deref(), Some("n"));
        let err = interpret_answer::<Logs>(400, br#"{"Code":"Throttling"}"#).expect_err("error");
        assert!(matches!(
            err,
            Error::Service(ListExecutionLogsError::Throttling(_))
        ));
        let err = interpret_answer::<Logs>(502, b"\xff<html>").expect_err("not json");
        assert!(matches!(err, Error::Response { status: 502, .. }));
    }

    #[test]
    fn numeric_codes_are_accepted() {
        let failed = run(400, r#"{"Code":400,"Message":"m"}"#, None).expect_err("numeric");
        assert_eq!(
            failed
                .error
                .as_service_error()
                .map(|e| e.metadata().code.as_str()),
            Some("400")
        );
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn nothing_is_sent_without_required_parameters_region_or_credentials() {
        // Port 9 (discard) on loopback: if anything were sent the error would be Dispatch.
        let client = Client::new(
            Config::builder()
                .endpoint_url("http://127.0.0.1:9")
                .credentials(Credentials::new("a", "b"))
                .build(),
        );
        let err = block_on(client.call(ListExecutionLogsInput::default())).expect_err("missing id");
        assert!(
            matches!(err, Error::Construction(ref e) if e.parameter == "ExecutionId"),
            "{err:?}"
        );

        let input = ListExecutionLogsInput::default().execution_id("exec-1");
        let client = Client::new(
            Config::builder()
                .credentials(Credentials::new("a", "b"))
                .build(),
        );
        let err = block_on(client.call(input.clone())).expect_err("no region");
        assert!(
            matches!(err, Error::Config(ref m) if m.contains("region")),
            "{err:?}"
        );

        let client = Client::new(Config::builder().region("cn-hangzhou").build());
        let err = block_on(client.call(input)).expect_err("no credentials");
        assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    }

    #[test]
    fn client_debug_hides_secrets() {
        let client = Client::new(
            Config::builder()
                .credentials(Credentials::new("id", "HIDDENSECRET"))
                .build(),
        );
        let shown = format!("{client:?}");
        assert!(
            shown.contains("Config") && !shown.contains("HIDDENSECRET"),
            "{shown}"
        );
        let clone = client.clone();
        assert!(Arc::ptr_eq(&clone.inner, &client.inner));
    }
}

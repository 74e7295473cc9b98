//! One request, from bytes received to the answer: read, verify, misbehave if asked, run.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use http::request::Parts;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Body;

use crate::actions;
use crate::auth::{Received, Verified, Verifier};
use crate::body::ResponseBody;
use crate::error::{error_body, ApiError, DEFAULT_HOST_ID};
use crate::faults::{Applied, Fault, Faults};
use crate::records::{RequestLog, RequestRecord};
use crate::request::{ActionRequest, Answer};
use crate::spec;
use crate::state::State;
use crate::wire::{decode_pairs, first, is_form};

/// Past the size limit, this much more of a body is read and thrown away so that the
/// client, still sending, gets to read the 413 instead of a reset connection.
const DRAIN_LIMIT: usize = 8 << 20;

const JSON: &str = "application/json;charset=utf-8";

/// Everything the request handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub verifier: Verifier,
    pub state: Mutex<State>,
    pub faults: Faults,
    pub log: RequestLog,
    pub max_request_bytes: usize,
}

impl Shared {
    /// The emulator's state, locked; a panic while it was held does not make it unusable.
    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Returned to hyper to make it close the connection without answering.
#[derive(Debug)]
pub(crate) struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for ConnectionDropped {}

/// How the emulator answers, before it becomes an HTTP response.
enum Reply {
    Json {
        status: StatusCode,
        body: Vec<u8>,
        retry_after_ms: Option<u64>,
    },
    Html {
        status: StatusCode,
        body: String,
    },
    CutShort {
        status: StatusCode,
        body: Vec<u8>,
    },
    Drop,
}

impl Reply {
    fn json(status: StatusCode, body: Vec<u8>) -> Self {
        Self::Json {
            status,
            body,
            retry_after_ms: None,
        }
    }
}

/// The identity of the answer being built: its request id and host, used in error bodies.
struct Answering<'a> {
    request_id: &'a str,
    host_id: &'a str,
}

impl Answering<'_> {
    fn error(&self, error: &ApiError, record: &mut RequestRecord) -> Reply {
        record.error_code = Some(error.code.clone());
        Reply::json(error.status, error.body(self.request_id, self.host_id))
    }
}

pub(crate) async fn handle<B>(
    shared: Arc<Shared>,
    request: http::Request<B>,
) -> Result<Response<ResponseBody>, ConnectionDropped>
where
    B: Body<Data = Bytes>,
{
    let request_id = new_request_id();
    let (parts, body) = request.into_parts();
    let host_id = parts
        .headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or(DEFAULT_HOST_ID)
        .to_owned();
    let answering = Answering {
        request_id: &request_id,
        host_id: &host_id,
    };
    let mut record = RequestRecord::new(parts.method.as_str());
    let reply = process(&shared, &parts, body, &answering, &mut record).await;
    let response = match reply {
        Reply::Drop => None,
        Reply::Json {
            status,
            body,
            retry_after_ms,
        } => {
            let mut response = response(status, JSON, &request_id, ResponseBody::whole(body));
            if let Some(ms) = retry_after_ms {
                response
                    .headers_mut()
                    .insert("x-acs-retry-after", HeaderValue::from(ms));
            }
            Some(response)
        }
        Reply::Html { status, body } => Some(response(
            status,
            "text/html; charset=utf-8",
            &request_id,
            ResponseBody::whole(body),
        )),
        Reply::CutShort { status, body } => {
            let full = body.len();
            let part = Bytes::from(body).slice(..full / 2);
            let mut response = response(status, JSON, &request_id, ResponseBody::cut_short(part));
            response
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(full));
            Some(response)
        }
    };
    record.status = response.as_ref().map(|r| r.status().as_u16());
    record.answered = response
        .as_ref()
        .is_some_and(|r| matches!(r.body(), ResponseBody::Whole(_)));
    shared.log.push(record);
    response.ok_or(ConnectionDropped)
}

fn response(
    status: StatusCode,
    content_type: &'static str,
    request_id: &str,
    body: ResponseBody,
) -> Response<ResponseBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-acs-request-id", id);
    }
    response
}

async fn process<B>(
    shared: &Shared,
    parts: &Parts,
    body: B,
    answering: &Answering<'_>,
    record: &mut RequestRecord,
) -> Reply
where
    B: Body<Data = Bytes>,
{
    let limit = shared.max_request_bytes;
    if let Some(why) = parts.headers.get(crate::long_target::TOO_LARGE) {
        let error = if why == crate::long_target::TOO_MANY_HEADERS {
            ApiError::too_many_headers(crate::long_target::MAX_HEADERS)
        } else {
            ApiError::request_too_large(limit.min(crate::long_target::MAX_HEAD))
        };
        return answering.error(&error, record);
    }
    let uri_len = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len())
        + long_query(parts).map_or(0, str::len);
    let body = match read_body(body, limit.saturating_sub(uri_len)).await {
        Ok(body) if uri_len <= limit => body,
        Ok(_) | Err(ReadError::TooLarge) => {
            return answering.error(&ApiError::request_too_large(limit), record);
        }
        Err(ReadError::Broken) => return Reply::Drop,
    };

    if parts.uri.path().starts_with(crate::cloud::admin::PREFIX) {
        let mut state = shared.state();
        crate::engine::advance(&mut state);
        let (status, answer) =
            crate::cloud::admin::handle(&mut state, parts.method.as_str(), parts.uri.path(), &body);
        return Reply::json(status, answer.to_string().into_bytes());
    }
    let verified = match verify_request(&shared.verifier, parts, &body, record) {
        Ok(verified) => verified,
        Err(error) => return answering.error(&error, record),
    };
    record.access_key_id = Some(verified.access_key_id.clone());
    let next_token = first(&verified.params, "NextToken").filter(|t| !t.is_empty());
    let applied = shared.faults.select(&verified.action, next_token.is_some());
    record.fault = applied.as_ref().map(|a| a.fault.clone());
    answer(shared, &verified, applied, next_token, answering, record).await
}

/// A query string too long for hyper, carried in a header from `long_target`.
fn long_query(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(crate::long_target::LONG_QUERY)
        .and_then(|v| v.to_str().ok())
}

/// Decodes the parameters of a request read in full and verifies its signature.
pub(crate) fn verify_request(
    verifier: &Verifier,
    parts: &Parts,
    body: &[u8],
    record: &mut RequestRecord,
) -> Result<Verified, ApiError> {
    let query = decode_pairs(long_query(parts).or(parts.uri.query()).unwrap_or(""));
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let form = if is_form(content_type) {
        decode_pairs(&String::from_utf8_lossy(body))
    } else {
        Vec::new()
    };
    let received = Received {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: &query,
        form: &form,
        headers: &parts.headers,
        body,
    };
    record.signature = received.signature_method();
    record.action = received.claimed_action();
    verifier.verify(&received)
}

async fn answer(
    shared: &Shared,
    verified: &Verified,
    applied: Option<Applied>,
    next_token: Option<&str>,
    answering: &Answering<'_>,
    record: &mut RequestRecord,
) -> Reply {
    let Some(Applied {
        fault,
        after_execution,
    }) = applied
    else {
        return answered(execute(shared, verified, record), answering, record);
    };
    if let Fault::Slow(delay) = fault {
        if !after_execution {
            tokio::time::sleep(delay).await;
        }
    }
    if !after_execution && !fault.needs_answer() {
        return misbehave(&fault, answering, record);
    }
    let mut result = execute(shared, verified, record);
    match fault {
        Fault::Slow(delay) => {
            if after_execution {
                tokio::time::sleep(delay).await;
            }
            answered(result, answering, record)
        }
        Fault::Truncated => match answered(result, answering, record) {
            Reply::Json { status, body, .. } => Reply::CutShort { status, body },
            other => other,
        },
        Fault::RepeatToken => {
            if let (Ok(answer), Some(token)) = (&mut result, next_token) {
                answer.insert("NextToken".into(), token.into());
            }
            answered(result, answering, record)
        }
        other => misbehave(&other, answering, record),
    }
}

fn execute(
    shared: &Shared,
    verified: &Verified,
    record: &mut RequestRecord,
) -> Result<Answer, ApiError> {
    let spec = spec::action(&verified.action).ok_or_else(ApiError::invalid_action)?;
    record.executed = true;
    let args = spec::check::check(spec, &verified.params)?;
    let mut state = shared.state();
    crate::engine::advance(&mut state);
    actions::run(
        &mut state,
        &ActionRequest {
            action: &verified.action,
            spec,
            access_key_id: &verified.access_key_id,
            params: &verified.params,
            args: &args,
            from_task: false,
        },
    )
}

fn answered(
    result: Result<Answer, ApiError>,
    answering: &Answering<'_>,
    record: &mut RequestRecord,
) -> Reply {
    match result {
        Ok(mut answer) => {
            answer.insert("RequestId".into(), answering.request_id.into());
            // A map of JSON values always serializes.
            Reply::json(
                StatusCode::OK,
                serde_json::to_vec(&answer).unwrap_or_default(),
            )
        }
        Err(error) => answering.error(&error, record),
    }
}

/// The answer of a fault that replaces the action's answer.
fn misbehave(fault: &Fault, answering: &Answering<'_>, record: &mut RequestRecord) -> Reply {
    let mut error = |status: StatusCode, code: &str, message: &str, retry_after_ms: Option<u64>| {
        record.error_code = Some(code.to_owned());
        Reply::Json {
            status,
            body: error_body(answering.request_id, answering.host_id, code, message),
            retry_after_ms,
        }
    };
    match fault {
        Fault::Throttling(code) => error(
            StatusCode::BAD_REQUEST,
            code.as_str(),
            throttling_message(code.as_str()),
            None,
        ),
        Fault::RetryAfter(ms) => error(
            StatusCode::BAD_REQUEST,
            "Throttling.User",
            throttling_message("Throttling.User"),
            Some(*ms),
        ),
        Fault::ServerError(status) => {
            let status = StatusCode::from_u16(*status)
                .ok()
                .filter(StatusCode::is_server_error)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status == StatusCode::SERVICE_UNAVAILABLE {
                error(
                    status,
                    "ServiceUnavailable",
                    "The request has failed due to a temporary failure of the server.",
                    None,
                )
            } else {
                error(
                    status,
                    "InternalError",
                    "The request processing has failed due to some unknown error, exception or failure.",
                    None,
                )
            }
        }
        Fault::NonJson { status, body } => Reply::Html {
            status: StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY),
            body: body.clone(),
        },
        Fault::DropConnection => Reply::Drop,
        // These three need the action's answer and are handled by the caller; reaching
        // here would be a bug, answered as a server error rather than a panic.
        Fault::Slow(_) | Fault::Truncated | Fault::RepeatToken => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "Unexpected fault state.",
            None,
        ),
    }
}

fn throttling_message(code: &str) -> &'static str {
    match code {
        "Throttling.User" => "Request was denied due to user flow control.",
        "Throttling.Api" => "Request was denied due to api flow control.",
        _ => "Request was denied due to request throttling.",
    }
}

enum ReadError {
    TooLarge,
    Broken,
}

async fn read_body<B>(body: B, limit: usize) -> Result<Vec<u8>, ReadError>
where
    B: Body<Data = Bytes>,
{
    let mut body = std::pin::pin!(body);
    let mut bytes = Vec::new();
    let mut too_large = false;
    let mut drained = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(ReadError::Broken);
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if too_large {
            drained = drained.saturating_add(data.len());
            if drained > DRAIN_LIMIT {
                break;
            }
        } else if bytes.len().saturating_add(data.len()) > limit {
            too_large = true;
            bytes = Vec::new();
        } else {
            bytes.extend_from_slice(&data);
        }
    }
    if too_large {
        Err(ReadError::TooLarge)
    } else {
        Ok(bytes)
    }
}

/// A request id shaped like OOS's (an uppercase UUID), for its answers and the stubs'.
pub(crate) fn new_request_id() -> String {
    let b: [u8; 16] = rand::random();
    let hex = hex::encode_upper(b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_oos_ones() {
        let id = new_request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert!(id
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase()));
        assert_ne!(id, new_request_id());
    }
}

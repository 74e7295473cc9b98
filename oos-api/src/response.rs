//! Reading an answer: the body under a size cap, then a success, an OOS error body
//! (classified by its `Code`, not its status: OOS throttles with 400), or something else.

// A failed attempt is the rare path: it is returned by value rather than boxed.
#![allow(clippy::result_large_err)]

use std::time::Duration;

use crate::error::{Error, ErrorMetadata};
use crate::retry::Failure;

/// What an attempt learnt, for tracing.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub(crate) status: Option<u16>,
    pub(crate) request_id: Option<String>,
    pub(crate) code: Option<String>,
}

/// A 2xx answer with its complete body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) report: Report,
}

/// A failed attempt: the error to return (service errors still as metadata), how retrying
/// sees it, and the service's least wait.
#[derive(Debug)]
pub(crate) struct Failed {
    pub(crate) error: Error<ErrorMetadata>,
    pub(crate) failure: Failure,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) report: Report,
}

impl Failed {
    pub(crate) fn new(error: Error<ErrorMetadata>, failure: Failure, report: Report) -> Self {
        Self {
            error,
            failure,
            retry_after: None,
            report,
        }
    }

    /// A complete answer that is neither a success nor an OOS error body.
    pub(crate) fn unreadable(
        status: u16,
        body: &[u8],
        reason: String,
        request_id: Option<String>,
    ) -> Self {
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
    }
}

/// Why a body could not be read in full.
pub(crate) struct BodyFailure {
    partial: Vec<u8>,
    reason: String,
    interrupted: bool,
}

impl BodyFailure {
    pub(crate) fn into_failed(self, status: u16, request_id: Option<String>) -> Failed {
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
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, BodyFailure> {
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

/// A reqwest error and its causes, without the URL (whose query may carry a security token).
pub(crate) fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Turns a complete answer into a success or a classified failure. `retryable` says whether
/// an error code is transient.
pub(crate) fn interpret(
    status: u16,
    body: Vec<u8>,
    header_request_id: Option<&str>,
    retryable: &dyn Fn(&str) -> bool,
) -> Result<Answer, Failed> {
    if (200..300).contains(&status) {
        return Ok(Answer {
            status,
            body,
            report: Report {
                status: Some(status),
                request_id: header_request_id.map(str::to_owned),
                code: None,
            },
        });
    }
    let Some(metadata) = error_metadata(status, &body, header_request_id) else {
        return Err(Failed::unreadable(
            status,
            &body,
            format!("HTTP {status} without an OOS error body (no JSON `Code`)"),
            header_request_id.map(str::to_owned),
        ));
    };
    let report = Report {
        status: Some(status),
        request_id: metadata.request_id.clone(),
        code: Some(metadata.code.clone()),
    };
    let failure = Failure::Service {
        retryable_code: retryable(&metadata.code),
        status,
    };
    Err(Failed::new(Error::Service(metadata), failure, report))
}

/// Reads an OOS error body `{RequestId, HostId, Code, Message, Recommend}`; `None` when the
/// body is not JSON or has no `Code`.
pub(crate) fn error_metadata(
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

/// The `RequestId` of a success body, read only when a subscriber records it.
pub(crate) fn body_request_id(body: &[u8]) -> Option<String> {
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
    use super::*;

    fn run(status: u16, body: &str, request_id: Option<&str>) -> Result<Answer, Failed> {
        interpret(status, body.as_bytes().to_vec(), request_id, &|code| {
            code == "Throttling"
        })
    }

    #[test]
    fn success_keeps_its_body_and_header_id() {
        let body = r#"{"RequestId":"r1","NextToken":"n"}"#;
        let answer = run(200, body, Some("hdr")).expect("ok");
        assert_eq!(answer.body, body.as_bytes());
        assert_eq!(answer.report.request_id.as_deref(), Some("hdr"));
        assert_eq!(answer.report.status, Some(200));
        assert_eq!(body_request_id(&answer.body).as_deref(), Some("r1"));
        let answer = run(200, body, None).expect("ok");
        assert_eq!(answer.report.request_id, None);
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
        let Error::Service(m) = &failed.error else {
            panic!("expected a service error, got {:?}", failed.error)
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
        let Error::Service(m) = &failed.error else {
            panic!("expected a service error")
        };
        assert_eq!(m.request_id.as_deref(), Some("hdr-id"));
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
    fn numeric_codes_are_accepted() {
        let failed = run(400, r#"{"Code":400,"Message":"m"}"#, None).expect_err("numeric");
        assert!(matches!(&failed.error, Error::Service(m) if m.code == "400"));
    }
}

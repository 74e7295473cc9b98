//! Reading an answer: the body under a size cap, then a success, an OOS error body
//! (classified by its `Code`, not its status: OOS throttles with 400), or something else.

// A failed attempt is the rare path: it is returned by value rather than boxed.
#![allow(clippy::result_large_err)]

use std::time::Duration;

use bytes::Bytes;

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
    pub(crate) body: Bytes,
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
        let mut failed = Failed::unreadable(status, &self.partial, self.reason, request_id);
        failed.failure = Failure::Response {
            status,
            interrupted: self.interrupted,
        };
        failed
    }
}

/// Reads the body chunk by chunk, giving up past `cap` bytes so a runaway answer cannot
/// exhaust memory.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Bytes, BodyFailure> {
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
    let mut body = Body::Empty;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > cap {
                    let mut partial = body.into_vec(0);
                    partial.extend_from_slice(&chunk[..cap - partial.len()]);
                    return Err(too_large(partial));
                }
                body = match body {
                    // A body that comes in one chunk, as a small answer does, is kept as
                    // it came, without a copy.
                    Body::Empty => Body::One(chunk),
                    body => {
                        // The declared length (already under the cap) saves regrowing the
                        // buffer; it is only a hint, the cap is enforced on what arrives.
                        let mut all = body.into_vec(declared.map_or(0, |len| len as usize));
                        all.extend_from_slice(&chunk);
                        Body::Many(all)
                    }
                };
            }
            Ok(None) => return Ok(body.into_bytes()),
            Err(e) => {
                let reason = format!(
                    "reading the response body failed: {}",
                    error_chain(&e.without_url())
                );
                return Err(BodyFailure {
                    partial: body.into_vec(0),
                    reason,
                    interrupted: true,
                });
            }
        }
    }
}

/// A body as it arrives: nothing, the first chunk as it came, or the chunks copied together.
enum Body {
    Empty,
    One(Bytes),
    Many(Vec<u8>),
}

impl Body {
    fn len(&self) -> usize {
        match self {
            Body::Empty => 0,
            Body::One(chunk) => chunk.len(),
            Body::Many(all) => all.len(),
        }
    }

    /// The bytes so far in a vector of at least `capacity`.
    fn into_vec(self, capacity: usize) -> Vec<u8> {
        match self {
            Body::Empty => Vec::with_capacity(capacity),
            Body::One(chunk) => {
                let mut all = Vec::with_capacity(capacity.max(chunk.len()));
                all.extend_from_slice(&chunk);
                all
            }
            Body::Many(all) => all,
        }
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Body::Empty => Bytes::new(),
            Body::One(chunk) => chunk,
            Body::Many(all) => Bytes::from(all),
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
    body: Bytes,
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
        interpret(
            status,
            Bytes::copy_from_slice(body.as_bytes()),
            request_id,
            &|code| code == "Throttling",
        )
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

    /// Serves `chunks` once as a chunked body on loopback and reads it back with `cap`.
    fn read_chunked(chunks: &'static [&'static str], cap: usize) -> Result<Bytes, BodyFailure> {
        use tokio::io::AsyncWriteExt;

        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let url = format!("http://{}/", listener.local_addr().expect("address"));
            let server = tokio::spawn(async move {
                let (mut stream, _) = listener.accept().await.expect("accept");
                let mut head = vec![0; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut head).await;
                let mut answer = String::from(
                    "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
                );
                for chunk in chunks {
                    answer.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
                }
                answer.push_str("0\r\n\r\n");
                // One write per line, with a flush between, so that the chunks arrive apart;
                // a reader that gave up at its cap has closed the connection.
                for part in answer.split_inclusive("\r\n") {
                    if stream.write_all(part.as_bytes()).await.is_err() {
                        break;
                    }
                    let _ = stream.flush().await;
                    tokio::task::yield_now().await;
                }
            });
            let response = reqwest::get(url).await.expect("response");
            let body = read_body(response, cap).await;
            server.await.expect("server");
            body
        })
    }

    #[test]
    fn bodies_in_one_chunk_or_many_are_read_whole_under_the_cap() {
        let body = read_chunked(&["{\"a\":", "1,\"b\"", ":2}"], 100).unwrap_or_else(|_| panic!());
        assert_eq!(body, &b"{\"a\":1,\"b\":2}"[..]);
        let body = read_chunked(&["{}"], 100).unwrap_or_else(|_| panic!());
        assert_eq!(body, &b"{}"[..]);
        let body = read_chunked(&[], 100).unwrap_or_else(|_| panic!());
        assert!(body.is_empty());
        let Err(failure) = read_chunked(&["0123456789", "abcdefghij"], 15) else {
            panic!("over the cap")
        };
        assert_eq!(failure.partial, b"0123456789abcde");
        assert!(
            failure.reason.contains("15-byte limit"),
            "{}",
            failure.reason
        );
        let Err(failure) = read_chunked(&["0123456789"], 5) else {
            panic!("over the cap")
        };
        assert_eq!(failure.partial, b"01234");
    }

    #[test]
    fn numeric_codes_are_accepted() {
        let failed = run(400, r#"{"Code":400,"Message":"m"}"#, None).expect_err("numeric");
        assert!(matches!(&failed.error, Error::Service(m) if m.code == "400"));
    }
}

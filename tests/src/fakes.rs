//! Loopback fakes of the services credentials come from: the ECS metadata service, STS and
//! a credentials URI. Each is an HTTP server on `127.0.0.1:0` whose answers a closure
//! decides, recording every request; it stops when dropped.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// A request as the fake received it.
#[derive(Clone, Debug)]
pub struct Request {
    /// `GET`, `PUT`, `POST`.
    pub method: String,
    /// The path, e.g. `/latest/api/token`.
    pub path: String,
    /// The query string as sent, or empty.
    pub raw_query: String,
    /// The decoded query pairs.
    pub query: Vec<(String, String)>,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The decoded pairs of a form body.
    pub form: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        find(&self.query, name)
    }

    /// A form parameter.
    pub fn form(&self, name: &str) -> Option<&str> {
        find(&self.form, name)
    }

    /// A parameter from the query or the form.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query(name).or_else(|| self.form(name))
    }
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// What the fake answers.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: String,
    /// How long to wait before answering.
    pub delay: Duration,
}

impl Reply {
    /// 200 with `body`.
    pub fn ok(body: impl Into<String>) -> Self {
        Self::status(200, body)
    }

    /// `status` with `body`.
    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// The same answer, after `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A loopback HTTP server answering with a closure; stops when dropped.
pub struct FakeServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    task: JoinHandle<()>,
}

impl FakeServer {
    /// Starts on `127.0.0.1:0` on the current Tokio runtime.
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let log = Arc::clone(&requests);
        let (addr, task) = serve(move |request| {
            let (handler, log) = (Arc::clone(&handler), Arc::clone(&log));
            async move { answer(request, &handler, &log).await }
        })
        .await;
        Self {
            addr,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far, in order of arrival.
    pub fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many requests had this method and path.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }
}

/// Serves HTTP/1 on `127.0.0.1:0` on the current Tokio runtime, each request answered by
/// `answer`, until the returned task is aborted, which aborts every connection still open.
pub(crate) async fn serve<A, F>(answer: A) -> (SocketAddr, JoinHandle<()>)
where
    A: Fn(hyper::Request<hyper::body::Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = hyper::Response<Full<Bytes>>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    let task = tokio::spawn(async move {
        // Dropped with the task, which aborts every connection still open.
        let mut connections = JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let answer = answer.clone();
            connections.spawn(async move {
                let service = service_fn(move |request| {
                    let answered = answer(request);
                    async move { Ok::<_, Infallible>(answered.await) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, task)
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    request: hyper::Request<hyper::body::Incoming>,
    handler: &Handler,
    log: &Mutex<Vec<Request>>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let is_form = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let request = Request {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: form_urlencoded::parse(raw_query.as_bytes())
            .into_owned()
            .collect(),
        raw_query,
        headers: parts.headers,
        form: if is_form {
            form_urlencoded::parse(&body).into_owned().collect()
        } else {
            Vec::new()
        },
        body,
    };
    let reply = handler(&request);
    log.lock().unwrap_or_else(|e| e.into_inner()).push(request);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    hyper::Response::builder()
        .status(reply.status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(reply.body)))
        .expect("a valid response")
}

/// `at` as the services write it: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_time(at: SystemTime) -> String {
    let t = time::OffsetDateTime::from(at);
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

/// The expiration `lifetime` from now.
pub fn expiration_in(lifetime: Duration) -> String {
    format_time(SystemTime::now() + lifetime)
}

/// A document as the metadata service (and a credentials URI) hands it out.
pub fn credentials_document(id: &str, secret: &str, token: &str, expiration: &str) -> String {
    json!({
        "AccessKeyId": id,
        "AccessKeySecret": secret,
        "SecurityToken": token,
        "Expiration": expiration,
        "LastUpdated": format_time(SystemTime::now()),
        "Code": "Success",
    })
    .to_string()
}

/// An answer of STS `AssumeRole` / `AssumeRoleWithOIDC`.
pub fn sts_answer(id: &str, secret: &str, token: &str, expiration: &str) -> String {
    json!({
        "RequestId": "fake-request",
        "AssumedRoleUser": {"Arn": "acs:ram::1:role/r/s", "AssumedRoleId": "1:s"},
        "Credentials": {
            "AccessKeyId": id,
            "AccessKeySecret": secret,
            "SecurityToken": token,
            "Expiration": expiration,
        },
    })
    .to_string()
}

/// An STS error answer.
pub fn sts_error(code: &str, message: &str) -> String {
    json!({"RequestId": "fake-request", "HostId": "sts", "Code": code, "Message": message})
        .to_string()
}

/// Whether the request carries the RPC signature 1.0 of its query and form together,
/// computed with `secret`, as STS checks it.
pub fn rpc_signature_matches(request: &Request, secret: &str) -> bool {
    let Some(sent) = request.param("Signature") else {
        return false;
    };
    let params: Vec<(&str, &str)> = request
        .query
        .iter()
        .chain(&request.form)
        .filter(|(name, _)| name != "Signature")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let string_to_sign = oos_api::signing::rpc::string_to_sign(&request.method, &params);
    oos_api::signing::rpc::signature(secret, &string_to_sign) == sent
}

/// The metadata service of an instance with `role`, handing out `document()`; IMDSv2 tokens
/// are `token`, and a credentials request with any other token is refused with 401.
pub fn metadata(
    role: &'static str,
    token: &'static str,
    document: impl Fn() -> String + Send + Sync + 'static,
) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    move |request| {
        let sent = request.header("x-aliyun-ecs-metadata-token");
        match (request.method.as_str(), request.path.as_str()) {
            ("PUT", "/latest/api/token") => {
                if request
                    .header("x-aliyun-ecs-metadata-token-ttl-seconds")
                    .is_some()
                {
                    Reply::ok(token)
                } else {
                    Reply::status(400, "no ttl")
                }
            }
            _ if sent != Some(token) => Reply::status(401, "bad token"),
            ("GET", "/latest/meta-data/ram/security-credentials/") => Reply::ok(role),
            ("GET", path)
                if path == format!("/latest/meta-data/ram/security-credentials/{role}") =>
            {
                Reply::ok(document())
            }
            _ => Reply::status(404, "not found"),
        }
    }
}

/// A directory under the system temp dir standing in for a home directory; removed on drop.
pub struct TempHome(std::path::PathBuf);

impl TempHome {
    /// A fresh, empty directory.
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "oos-tests-home-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    /// The directory, as text (for `HOME`).
    pub fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp dir")
    }

    /// Writes `text` at `relative` (parents created) and returns the full path.
    pub fn write(&self, relative: &str, text: &str) -> String {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(&path, text).expect("write");
        path.to_str().expect("UTF-8").to_owned()
    }
}

impl Default for TempHome {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A clock that starts at the real time and moves only when told.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<SystemTime>>);

impl TestClock {
    /// Now, standing still.
    pub fn new() -> Self {
        Self(Arc::new(Mutex::new(SystemTime::now())))
    }

    /// The clock's time.
    pub fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the clock on.
    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }

    /// The expiration `lifetime` after the clock's time.
    pub fn expiration_in(&self, lifetime: Duration) -> String {
        format_time(self.now() + lifetime)
    }

    /// The clock, for `with_clock`.
    pub fn source(&self) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        let me = self.clone();
        move || me.now()
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::new()
    }
}

/// An environment holding exactly `pairs`, for the `from_env_lookup` constructors.
pub fn env(
    pairs: &[(&str, &str)],
) -> impl Fn(&str) -> Option<String> + Send + Sync + Clone + 'static {
    let map: std::collections::HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

/// An address where nothing listens.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

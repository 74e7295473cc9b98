//! Signing requests by hand with `oos_api::signing`, as a client would, to talk to the
//! emulator over real HTTP.

use std::time::Duration;

use oos_api::signing::{acs3, canonical_query, rpc};
use oos_emulator::{Data, Emulator, RunningEmulator};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const ID: &str = "testid";
pub const SECRET: &str = "testsecret";
pub const ACTION: &str = "ListExecutionLogs";
pub const VERSION: &str = "2019-06-01";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

pub fn logs(n: usize) -> Vec<Value> {
    (0..n).map(|i| json!({"Timestamp": format!("2019-05-24T02:29:{:02}Z", i % 60), "Message": format!("log {i}")})).collect()
}

/// An emulator with `exec-1` (137 logs) and `exec-2` (3 logs).
pub async fn emulator() -> RunningEmulator {
    let data = Data::new()
        .with_execution("exec-1", logs(137))
        .with_execution("exec-2", logs(3));
    Emulator::builder().data(data).start().await.unwrap()
}

pub fn timestamp(offset_secs: i64) -> String {
    let at = OffsetDateTime::now_utc() + time::Duration::seconds(offset_secs);
    at.replace_nanosecond(0).unwrap().format(&Rfc3339).unwrap()
}

pub fn nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The answer: status, headers and JSON body (Null when not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["Code"].as_str().unwrap_or("")
    }

    pub fn message(&self) -> &str {
        self.body["Message"].as_str().unwrap_or("")
    }

    /// Asserts an OOS error of this status and code with the full OOS body shape.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!((self.status, self.code()), (status, code), "{}", self.text);
        for field in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
            assert!(
                self.body[field].is_string(),
                "{field} missing in {}",
                self.text
            );
        }
    }
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        text,
    }
}

/// A V3 request, fully editable before it is signed and sent.
#[derive(Clone, Debug)]
pub struct V3 {
    pub method: String,
    pub path: String,
    pub host: String,
    pub query: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    /// Headers to sign besides host and content-type, lowercase.
    pub headers: Vec<(String, String)>,
    pub id: String,
    pub secret: String,
}

impl V3 {
    pub fn new(emulator: &RunningEmulator, params: &[(&str, &str)]) -> Self {
        let body = Vec::new();
        Self {
            method: "POST".into(),
            path: "/".into(),
            host: emulator.addr().to_string(),
            query: params
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            headers: vec![
                ("x-acs-action".into(), ACTION.into()),
                ("x-acs-version".into(), VERSION.into()),
                ("x-acs-date".into(), timestamp(0)),
                ("x-acs-signature-nonce".into(), nonce()),
                ("x-acs-content-sha256".into(), acs3::hashed_payload(&body)),
            ],
            body,
            content_type: None,
            id: ID.into(),
            secret: SECRET.into(),
        }
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = method.into();
        self
    }

    pub fn set_header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| n != name);
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| n != name);
        self
    }

    /// Moves the parameters into a form body.
    pub fn form_body(mut self) -> Self {
        let pairs: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        self.body = canonical_query(&pairs).into_bytes();
        self.query.clear();
        self.content_type = Some("application/x-www-form-urlencoded".into());
        let hash = acs3::hashed_payload(&self.body);
        self.set_header("x-acs-content-sha256", &hash)
    }

    /// Every header to send, `authorization` included.
    pub fn signed_headers(&self) -> Vec<(String, String)> {
        let mut headers = self.headers.clone();
        headers.push(("host".into(), self.host.clone()));
        if let Some(ct) = &self.content_type {
            headers.push(("content-type".into(), ct.clone()));
        }
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let hashed = self
            .headers
            .iter()
            .find(|(n, _)| n == "x-acs-content-sha256")
            .map_or("", |(_, v)| v.as_str());
        let (canonical, signed) =
            acs3::canonical_request(&self.method, &self.path, &query, &header_refs, hashed);
        let signature = acs3::signature(&self.secret, &acs3::string_to_sign(&canonical));
        headers.push((
            "authorization".into(),
            acs3::authorization(&self.id, &signed, &signature),
        ));
        headers
    }

    pub fn url(&self) -> String {
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        format!(
            "http://{}{}?{}",
            self.host,
            self.path,
            canonical_query(&query)
        )
    }

    pub async fn send(&self) -> Answer {
        self.send_with(self.signed_headers(), self.url()).await
    }

    /// [`send`](Self::send) as a boxed future that owns the request, for spawning.
    pub fn send_owned(self) -> std::pin::Pin<Box<dyn std::future::Future<Output = Answer> + Send>> {
        Box::pin(async move { self.send().await })
    }

    /// Sends with these headers (host is left to the client) to this URL.
    pub async fn send_with(&self, headers: Vec<(String, String)>, url: String) -> Answer {
        answer(self.request_with(headers, url).send().await.unwrap()).await
    }

    /// The signed request, not sent yet.
    pub fn request(&self) -> reqwest::RequestBuilder {
        self.request_with(self.signed_headers(), self.url())
    }

    fn request_with(&self, headers: Vec<(String, String)>, url: String) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).unwrap();
        let mut request = client().request(method, url).body(self.body.clone());
        for (name, value) in headers.iter().filter(|(n, _)| n != "host") {
            request = request.header(name, value);
        }
        request
    }

    /// The signed request as HTTP/1.1 bytes, asking the server to close afterwards.
    pub fn raw(&self) -> Vec<u8> {
        let url = self.url();
        let target = &url["http://".len() + self.host.len()..];
        let mut text = format!("{} {target} HTTP/1.1\r\n", self.method);
        for (name, value) in self.signed_headers() {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// An RPC (signature 1.0) request.
#[derive(Clone, Debug)]
pub struct Rpc {
    pub method: String,
    pub base: String,
    pub params: Vec<(String, String)>,
    pub secret: String,
    pub in_body: bool,
}

impl Rpc {
    pub fn new(emulator: &RunningEmulator, params: &[(&str, &str)]) -> Self {
        Self::at(&emulator.url(), params)
    }

    /// A request to the endpoint at `base` (e.g. `http://127.0.0.1:1234`).
    pub fn at(base: &str, params: &[(&str, &str)]) -> Self {
        let mut all: Vec<(String, String)> = vec![
            ("Action".into(), ACTION.into()),
            ("Version".into(), VERSION.into()),
            ("Format".into(), "JSON".into()),
            ("AccessKeyId".into(), ID.into()),
            ("SignatureMethod".into(), "HMAC-SHA1".into()),
            ("SignatureVersion".into(), "1.0".into()),
            ("SignatureNonce".into(), nonce()),
            ("Timestamp".into(), timestamp(0)),
        ];
        all.extend(params.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        Self {
            method: "GET".into(),
            base: base.to_owned(),
            params: all,
            secret: SECRET.into(),
            in_body: false,
        }
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = method.into();
        self
    }

    pub fn in_body(mut self) -> Self {
        self.method = "POST".into();
        self.in_body = true;
        self
    }

    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.params.retain(|(n, _)| n != name);
        self.params.push((name.into(), value.into()));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.params.retain(|(n, _)| n != name);
        self
    }

    /// The parameters with `Signature` added.
    pub fn signed(&self) -> Vec<(String, String)> {
        let pairs: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let signature = rpc::signature(&self.secret, &rpc::string_to_sign(&self.method, &pairs));
        let mut signed = self.params.clone();
        signed.push(("Signature".into(), signature));
        signed
    }

    pub async fn send(&self) -> Answer {
        self.send_params(self.signed()).await
    }

    /// [`send`](Self::send), owning the request, for spawning.
    pub async fn send_owned(self) -> Answer {
        self.send().await
    }

    pub async fn send_params(&self, params: Vec<(String, String)>) -> Answer {
        let pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let encoded = canonical_query(&pairs);
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).unwrap();
        let request = if self.in_body {
            client()
                .request(method, format!("{}/", self.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded)
        } else {
            client().request(method, format!("{}/?{encoded}", self.base))
        };
        answer(request.send().await.unwrap()).await
    }
}

/// A V3 call of `action`.
pub async fn call(emulator: &RunningEmulator, action: &str, params: &[(&str, &str)]) -> Answer {
    V3::new(emulator, params)
        .set_header("x-acs-action", action)
        .send()
        .await
}

/// A V3 call of `action` that must succeed: its answer, which must fit the action's
/// documented fields.
pub async fn ok(emulator: &RunningEmulator, action: &str, params: &[(&str, &str)]) -> Value {
    let answer = call(emulator, action, params).await;
    assert_eq!(answer.status, 200, "{action}: {}", answer.text);
    let spec = oos_emulator::spec::action(action).unwrap();
    oos_emulator::spec::conforms(spec, &answer.body).unwrap();
    answer.body
}

/// Starts an execution of the template `content` with `parameters`, sent as a form body
/// (templates can be longer than a query string allows); the execution id.
pub async fn start_content(emulator: &RunningEmulator, content: &str, parameters: Value) -> String {
    let answer = V3::new(
        emulator,
        &[
            ("TemplateContent", content),
            ("Parameters", &parameters.to_string()),
        ],
    )
    .set_header("x-acs-action", "StartExecution")
    .form_body()
    .send()
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["Execution"]["ExecutionId"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Posts `body` to the emulator's own `/_emulator/{path}` endpoint: the status and the
/// JSON answer.
pub async fn post_admin(emulator: &RunningEmulator, path: &str, body: Value) -> (u16, Value) {
    let answer = client()
        .post(format!("{}/_emulator/{path}", emulator.url()))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (
        status,
        serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap(),
    )
}

/// The counters that `tasks` (task executions as `ListTaskExecutions` lists them) give: the
/// top-level ones by status, a loop's items apart, with `Total` the template's number of tasks.
pub fn recount(tasks: &[Value], total: usize) -> Value {
    let mut counts = serde_json::Map::new();
    counts.insert("Total".into(), total.into());
    for task in tasks {
        if task["ParentTaskExecutionId"].as_str().unwrap_or_default() != "" {
            continue;
        }
        let status = task["Status"].as_str().unwrap().to_owned();
        let n = counts.get(&status).and_then(Value::as_i64).unwrap_or(0);
        counts.insert(status, (n + 1).into());
    }
    Value::Object(counts)
}

/// The execution `id` as `ListExecutions` lists it, alone.
pub async fn execution(emulator: &RunningEmulator, id: &str) -> Value {
    let answer = call(emulator, "ListExecutions", &[("ExecutionId", id)]).await;
    assert_eq!(answer.body["TotalCount"], 1, "{}", answer.text);
    answer.body["Executions"][0].clone()
}

/// The execution `id` once it has finished, polled for at most five seconds.
pub async fn finished(emulator: &RunningEmulator, id: &str) -> Value {
    for _ in 0..500 {
        let execution = execution(emulator, id).await;
        let status = execution["Status"].as_str().unwrap_or_default();
        if ["Success", "Failed", "Cancelled"].contains(&status) {
            return execution;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{id} did not finish: {}", execution(emulator, id).await);
}

/// An RPC call of `action`.
pub async fn call_rpc(emulator: &RunningEmulator, action: &str, params: &[(&str, &str)]) -> Answer {
    Rpc::new(emulator, params)
        .set("Action", action)
        .send()
        .await
}

/// Calls `action` page by page with `params` and `MaxResults=max`, alternating signature
/// methods, and returns every item under `key` and the number of pages.
pub async fn all_pages(
    emulator: &RunningEmulator,
    action: &str,
    key: &str,
    params: &[(&str, &str)],
    max: &str,
) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut all: Vec<(&str, &str)> = params.to_vec();
        all.push(("MaxResults", max));
        if let Some(t) = &token {
            all.push(("NextToken", t));
        }
        let answer = if pages % 2 == 0 {
            call(emulator, action, &all).await
        } else {
            call_rpc(emulator, action, &all).await
        };
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(
            answer.body["MaxResults"]
                .as_str()
                .map_or_else(|| answer.body["MaxResults"].to_string(), str::to_owned),
            max
        );
        items.extend(answer.body[key].as_array().unwrap().iter().cloned());
        pages += 1;
        match answer.body.get("NextToken").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
        assert!(pages < 1000, "endless pages");
    }
    (items, pages)
}

/// The values of `field` in `items`, as strings.
pub fn field(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A query and the names or ids it should list.
pub type Case = (&'static [(&'static str, &'static str)], Vec<String>);

/// Whole seconds from one RFC 3339 date to another.
pub fn seconds_between(from: &Value, to: &Value) -> i64 {
    let parse = |v: &Value| OffsetDateTime::parse(v.as_str().unwrap_or(""), &Rfc3339).unwrap();
    (parse(to) - parse(from)).whole_seconds()
}

//! A loopback HTTP forward proxy: it takes requests in absolute form
//! (`POST http://127.0.0.1:PORT/?… HTTP/1.1`), as clients send them to a proxy, forwards each
//! to its loopback origin and counts what it forwarded, so that a test can assert that calls
//! went through it. It forwards to `127.0.0.1` only (tests touch nothing else) and stops when
//! dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// A forward proxy on `127.0.0.1:0`; stops when dropped.
pub struct ForwardProxy {
    addr: SocketAddr,
    forwarded: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl ForwardProxy {
    /// Starts on the current Tokio runtime.
    pub async fn start() -> Self {
        let forwarded = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (count, log) = (Arc::clone(&forwarded), Arc::clone(&seen));
        let (addr, task) = crate::fakes::serve(move |request| {
            let (count, log) = (Arc::clone(&count), Arc::clone(&log));
            async move { forward(request, &count, &log).await }
        })
        .await;
        Self {
            addr,
            forwarded,
            seen,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`, for `reqwest::Proxy::http`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests it has forwarded and answered.
    pub fn forwarded(&self) -> usize {
        self.forwarded.load(Ordering::SeqCst)
    }

    /// `METHOD path` of every request received, forwarded or refused, in order.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn refuse(status: u16, why: &str) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .body(Full::new(Bytes::from(format!("proxy: {why}"))))
        .expect("a valid response")
}

async fn forward(
    request: hyper::Request<hyper::body::Incoming>,
    forwarded: &AtomicUsize,
    seen: &Mutex<Vec<String>>,
) -> hyper::Response<Full<Bytes>> {
    let (mut parts, body) = request.into_parts();
    seen.lock().unwrap_or_else(|e| e.into_inner()).push(format!(
        "{} {}",
        parts.method,
        parts.uri.path()
    ));
    let Some(authority) = parts.uri.authority().cloned() else {
        return refuse(400, "not an absolute-form request");
    };
    if authority.host() != "127.0.0.1" {
        return refuse(403, "forwards to 127.0.0.1 only");
    }
    let port = authority.port_u16().unwrap_or(80);
    let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
        return refuse(400, "the request body could not be read");
    };
    let Ok(stream) = TcpStream::connect(("127.0.0.1", port)).await else {
        return refuse(502, "the origin refused the connection");
    };
    let Ok((mut sender, connection)) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
    else {
        return refuse(502, "no HTTP/1 connection to the origin");
    };
    tokio::spawn(connection);
    // The origin is sent the origin form, as a proxy does.
    let origin_form = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    parts.uri = match origin_form.parse() {
        Ok(uri) => uri,
        Err(_) => return refuse(400, "unusable request target"),
    };
    parts.headers.remove(http::header::PROXY_AUTHORIZATION);
    let Ok(response) = sender
        .send_request(hyper::Request::from_parts(parts, Full::new(body)))
        .await
    else {
        return refuse(502, "the origin did not answer");
    };
    let (parts, body) = response.into_parts();
    let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
        return refuse(502, "the origin's body could not be read");
    };
    forwarded.fetch_add(1, Ordering::SeqCst);
    hyper::Response::from_parts(parts, Full::new(body))
}

//! A minimal loopback HTTP/1.1 server (hyper 1) that answers every request at once, without
//! checking signatures, so that its own cost stays tiny next to the client's.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::thread::JoinHandle;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::page::{page_json, page_token, token_offset, REQUEST_ID};

/// What the server answers.
#[derive(Clone, Debug)]
pub enum Answer {
    /// The same body to every request.
    Fixed {
        /// The body.
        body: Bytes,
        /// Whether an `x-acs-request-id` header is sent, as OOS does.
        request_id_header: bool,
    },
    /// `ListExecutionLogs` over `total` entries in pages of `page_size`, chained by
    /// `NextToken` (see [`page_token`]); the page is written when it is asked for.
    Pages {
        /// The number of entries of the whole listing.
        total: usize,
        /// The entries per page.
        page_size: usize,
    },
}

/// A running server, on its own thread and single-threaded runtime; stopped when dropped.
pub struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and serves `answer`.
    pub fn start(answer: Answer) -> Self {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                ready_tx
                    .send(listener.local_addr().expect("address"))
                    .expect("report address");
                let serve = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let _ = stream.set_nodelay(true);
                        let answer = answer.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |request| {
                                let response = respond(&answer, &request);
                                async move { Ok::<_, Infallible>(response) }
                            });
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                };
                tokio::select! {
                    _ = serve => {}
                    _ = stop_rx => {}
                }
            });
        });
        let addr = ready_rx.recv().expect("server started");
        Self {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond(answer: &Answer, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let (body, request_id_header) = match answer {
        Answer::Fixed {
            body,
            request_id_header,
        } => (body.clone(), *request_id_header),
        Answer::Pages { total, page_size } => {
            let offset = request
                .uri()
                .query()
                .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("NextToken=")))
                .and_then(token_offset)
                .unwrap_or(0)
                .min(*total);
            let count = (*total - offset).min(*page_size);
            let next = offset + count;
            let token = (next < *total).then(|| page_token(next));
            let body = page_json(offset, count, *page_size, token.as_deref());
            (Bytes::from(body), true)
        }
    };
    let mut response = Response::builder()
        .status(200)
        .header("content-type", "application/json;charset=utf-8");
    if request_id_header {
        response = response.header("x-acs-request-id", REQUEST_ID);
    }
    response.body(Full::new(body)).expect("response")
}

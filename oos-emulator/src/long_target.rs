//! Request targets longer than hyper takes. The official SDKs send `Content` (up to OOS's
//! 64 KB, percent-encoded to up to three times that) in the query string, and hyper refuses
//! any target over 64 KiB with an empty 414. Each request head is read here first: a long
//! target's query moves into the [`LONG_QUERY`] header, which the handler reads back as the
//! query; a head over [`MAX_HEAD`] becomes a request marked [`TOO_LARGE`], answered with a
//! JSON 413, after which the connection's input is dropped. Bodies pass as they are (their
//! length from `Content-Length`; a chunked request leaves the rest of the connection as is).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The header a long query travels in from here to the handler.
pub(crate) const LONG_QUERY: &str = "x-emulator-long-query";
/// The header that marks a request whose head was too large.
pub(crate) const TOO_LARGE: &str = "x-emulator-head-too-large";
/// The largest request head taken: what a 64 KB template, fully percent-encoded, with a
/// signature and headers, needs, and room to spare.
pub(crate) const MAX_HEAD: usize = 1 << 20;
/// The most header fields a request may have (hyper's own default); hyper is set to take
/// one more, the [`LONG_QUERY`] header this module adds.
pub(crate) const MAX_HEADERS: usize = 100;
/// The value of [`TOO_LARGE`] for a head with more than [`MAX_HEADERS`] fields.
pub(crate) const TOO_MANY_HEADERS: &str = "headers";
/// Targets up to this long go to hyper unchanged (its own limit is just under 64 KiB).
const KEPT: usize = 60 * 1024;

enum Mode {
    /// Reading a head; what is read so far.
    Head(Vec<u8>),
    /// Passing this many more body bytes.
    Body(u64),
    /// Passing everything (after a chunked request).
    Raw,
    /// Dropping everything (after a head too large).
    Drop,
}

/// A connection whose request heads are rewritten as the module describes.
pub(crate) struct LongTargets<S> {
    inner: S,
    mode: Mode,
    /// Bytes ready for hyper.
    ready: Vec<u8>,
    at: usize,
    eof: bool,
}

impl<S> LongTargets<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            mode: Mode::Head(Vec::new()),
            ready: Vec::new(),
            at: 0,
            eof: false,
        }
    }

    /// Moves newly read bytes through the modes into `ready`.
    fn take(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match &mut self.mode {
                Mode::Raw => {
                    self.ready.extend_from_slice(bytes);
                    return;
                }
                Mode::Drop => return,
                Mode::Body(left) => {
                    let n = usize::try_from(*left)
                        .unwrap_or(usize::MAX)
                        .min(bytes.len());
                    self.ready.extend_from_slice(&bytes[..n]);
                    *left -= n as u64;
                    bytes = &bytes[n..];
                    if *left == 0 {
                        self.mode = Mode::Head(Vec::new());
                    }
                }
                Mode::Head(head) => {
                    let searched_from = head.len().saturating_sub(3);
                    head.extend_from_slice(bytes);
                    bytes = &[];
                    let end = head[searched_from..]
                        .windows(4)
                        .position(|w| w == b"\r\n\r\n")
                        .map(|p| searched_from + p + 4);
                    match end {
                        Some(end) if end <= MAX_HEAD && fields(&head[..end]) > MAX_HEADERS => {
                            self.refuse(TOO_MANY_HEADERS);
                        }
                        Some(end) if end <= MAX_HEAD => {
                            let head = std::mem::take(head);
                            let (rewritten, body) = rewrite(&head[..end]);
                            self.ready.extend_from_slice(&rewritten);
                            self.mode = match body {
                                Some(0) => Mode::Head(Vec::new()),
                                Some(n) => Mode::Body(n),
                                None => Mode::Raw,
                            };
                            // What follows the head is read again in the new mode.
                            let rest = head[end..].to_vec();
                            self.take(&rest);
                            return;
                        }
                        Some(_) => self.too_large(),
                        None if head.len() > MAX_HEAD => self.too_large(),
                        None => {}
                    }
                }
            }
        }
    }

    fn too_large(&mut self) {
        self.refuse(&MAX_HEAD.to_string());
    }

    /// A request marked [`TOO_LARGE`] with `why`, and nothing more of the connection.
    fn refuse(&mut self, why: &str) {
        self.ready.extend_from_slice(
            format!("POST / HTTP/1.1\r\nhost: emulator\r\n{TOO_LARGE}: {why}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").as_bytes(),
        );
        self.mode = Mode::Drop;
    }
}

/// How many header fields a head (ending in its blank line) has.
fn fields(head: &[u8]) -> usize {
    head.split(|b| *b == b'\n')
        .skip(1)
        .filter(|line| !line.trim_ascii().is_empty())
        .count()
}

/// The head with a long target's query moved into [`LONG_QUERY`], and the length of the
/// body that follows (`None`: chunked, not followed).
fn rewrite(head: &[u8]) -> (Vec<u8>, Option<u64>) {
    let lossy = String::from_utf8_lossy(head);
    // [`LONG_QUERY`] and [`TOO_LARGE`] are the emulator's own headers: a client's are
    // dropped, so that a request cannot pass a query or a refusal off as the emulator's.
    let own = |line: &str| {
        line.split_once(':').is_some_and(|(name, _)| {
            let name = name.trim();
            name.eq_ignore_ascii_case(LONG_QUERY) || name.eq_ignore_ascii_case(TOO_LARGE)
        })
    };
    let filtered = lossy.split("\r\n").skip(1).any(own).then(|| {
        lossy
            .split("\r\n")
            .enumerate()
            .filter(|(i, line)| *i == 0 || !own(line))
            .map(|(_, line)| line)
            .collect::<Vec<_>>()
            .join("\r\n")
    });
    let head = filtered.as_ref().map_or(head, String::as_bytes);
    let text: &str = filtered.as_deref().unwrap_or(&lossy);
    let mut lines = text.split("\r\n");
    let first = lines.next().unwrap_or("");
    let mut body = Some(0);
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            body = value.trim().parse().ok().or(Some(0));
        } else if name.trim().eq_ignore_ascii_case("transfer-encoding") {
            return (head.to_vec(), None);
        }
    }
    let mut parts = first.splitn(3, ' ');
    let (method, target, version) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let Some((path, query)) = target.split_once('?').filter(|_| target.len() > KEPT) else {
        return (head.to_vec(), body);
    };
    let rest = &text[first.len() + 2..];
    let rewritten = format!("{method} {path} {version}\r\n{LONG_QUERY}: {query}\r\n{rest}");
    (rewritten.into_bytes(), body)
}

impl<S: AsyncRead + Unpin> AsyncRead for LongTargets<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.at < this.ready.len() {
                let n = (this.ready.len() - this.at).min(out.remaining());
                out.put_slice(&this.ready[this.at..this.at + n]);
                this.at += n;
                if this.at == this.ready.len() {
                    this.ready.clear();
                    this.at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            let mut buffer = [0u8; 16 * 1024];
            let mut read = ReadBuf::new(&mut buffer);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Ready(Ok(())) if read.filled().is_empty() => {
                    // The end: a partial head goes to hyper as it is, to refuse.
                    if let Mode::Head(head) = std::mem::replace(&mut this.mode, Mode::Raw) {
                        this.ready.extend_from_slice(&head);
                    }
                    this.eof = true;
                }
                Poll::Ready(Ok(())) => this.take(read.filled()),
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for LongTargets<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(input: &[u8]) -> Vec<u8> {
        let mut connection = LongTargets::new(&b""[..]);
        for chunk in input.chunks(7) {
            connection.take(chunk);
        }
        connection.ready
    }

    #[test]
    fn long_queries_move_into_a_header_and_bodies_pass() {
        let query = format!("Action=X&Content={}", "a".repeat(70_000));
        let input = format!("GET /?{query} HTTP/1.1\r\nhost: h\r\n\r\nPOST / HTTP/1.1\r\ncontent-length: 3\r\n\r\nabcGET /?x=1 HTTP/1.1\r\n\r\n");
        let out = String::from_utf8(through(input.as_bytes())).unwrap();
        assert_eq!(
            out,
            format!("GET / HTTP/1.1\r\n{LONG_QUERY}: {query}\r\nhost: h\r\n\r\nPOST / HTTP/1.1\r\ncontent-length: 3\r\n\r\nabcGET /?x=1 HTTP/1.1\r\n\r\n")
        );
        let chunked = "POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        assert_eq!(through(chunked.as_bytes()), chunked.as_bytes());
    }

    #[test]
    fn a_client_s_own_copy_of_the_emulator_s_headers_is_dropped() {
        let input = format!("GET /?x=1 HTTP/1.1\r\nhost: h\r\n{LONG_QUERY}: y=2\r\nX-Emulator-Head-Too-Large: 1\r\ncontent-length: 3\r\n\r\nabc");
        let out = String::from_utf8(through(input.as_bytes())).unwrap();
        assert_eq!(
            out,
            "GET /?x=1 HTTP/1.1\r\nhost: h\r\ncontent-length: 3\r\n\r\nabc"
        );
    }

    #[test]
    fn a_head_too_large_becomes_a_marked_request() {
        let input = format!("GET /?{} HTTP/1.1\r\n", "a".repeat(MAX_HEAD + 10));
        let out = String::from_utf8(through(input.as_bytes())).unwrap();
        assert!(out.starts_with("POST / HTTP/1.1\r\n"), "{}", &out[..40]);
        assert!(out.contains(TOO_LARGE));
    }
}

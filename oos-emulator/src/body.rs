//! Response bodies: whole, or cut short on purpose.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

/// How long a cut-short body pauses before ending, so that hyper flushes the part already
/// written before it notices the body is short and closes the connection.
const FLUSH_PAUSE: Duration = Duration::from_millis(20);

/// The body of every answer.
pub(crate) enum ResponseBody {
    Whole(Option<Bytes>),
    /// Sends its bytes, pauses, then ends; the response's `Content-Length` says more.
    CutShort {
        part: Option<Bytes>,
        pause: Pin<Box<tokio::time::Sleep>>,
    },
}

impl ResponseBody {
    pub fn whole(bytes: impl Into<Bytes>) -> Self {
        Self::Whole(Some(bytes.into()))
    }

    pub fn cut_short(part: Bytes) -> Self {
        Self::CutShort {
            part: Some(part),
            pause: Box::pin(tokio::time::sleep(FLUSH_PAUSE)),
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Self::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Self::CutShort { part, pause } => {
                if let Some(part) = part.take() {
                    return Poll::Ready(Some(Ok(Frame::data(part))));
                }
                pause.as_mut().poll(cx).map(|()| None)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Self::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Whole(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            // Unknown, so that hyper keeps the declared Content-Length instead of its own.
            Self::CutShort { .. } => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    #[tokio::test]
    async fn whole_body_is_exact() {
        let body = ResponseBody::whole("abc");
        assert_eq!(body.size_hint().exact(), Some(3));
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(bytes, "abc");
    }

    #[tokio::test]
    async fn cut_short_body_has_unknown_size_and_ends_after_its_part() {
        let body = ResponseBody::cut_short(Bytes::from_static(b"{\"Ex"));
        assert_eq!(body.size_hint().exact(), None);
        assert!(!body.is_end_stream());
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(bytes, "{\"Ex");
    }
}

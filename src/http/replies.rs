//! Replies the client has not read yet, and what they may hold of the server's memory.
//!
//! A reply is built whole (up to the role's result budget, a megabyte or so) before it is
//! sent, and stays in memory until the client takes it. Over HTTP/2 a client can take nothing
//! at all without blocking the socket (a stream window of zero) while it pings to look busy:
//! 400 replies held that way took 256 MB in a red-team run, and a few addresses could hold
//! gigabytes. So every reply goes out through [`Reply`], which hands hyper [`CHUNK`] bytes at
//! a time and counts what it still holds:
//! - a connection holding unsent replies that gets less than `conn::MIN_PROGRESS` out in
//!   `conn::IDLE`, or that has held some for longer than `conn::REPLY_DEADLINE`, is closed
//!   (see `conn::Activity::idle`);
//! - a new request is answered 503 at once, before any work, while the server holds more
//!   than [`MAX_UNSENT`] of unsent replies, or its connection more than
//!   [`MAX_UNSENT_PER_CONNECTION`] (health probes, `/metrics` and the OAuth metadata document
//!   excepted). The refusal is recorded in the audit trail like the other HTTP refusals.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

use super::conn::Activity;

/// Bytes handed to hyper per poll. HTTP/2 takes what it is given into its own buffer whatever
/// the stream's window, so a reply given whole would leave this count at once; given in
/// chunks, what a stream at window zero holds past this count is one chunk (and a connection
/// has at most `super::MAX_HTTP2_STREAMS` streams).
pub(crate) const CHUNK: usize = 16 * 1024;

/// Unsent reply bytes over every connection past which new requests are refused.
pub(crate) const MAX_UNSENT: u64 = 256 << 20;

/// Unsent reply bytes on one connection past which its new requests are refused.
pub(crate) const MAX_UNSENT_PER_CONNECTION: u64 = 16 << 20;

/// Unsent reply bytes, all connections.
static UNSENT: AtomicU64 = AtomicU64::new(0);

/// Whether a new request on the connection of `activity` must wait for its replies to be
/// read (answered 503).
pub(crate) fn too_much_unsent(activity: &Activity) -> bool {
    UNSENT.load(Ordering::Relaxed) > MAX_UNSENT || activity.unsent() > MAX_UNSENT_PER_CONNECTION
}

/// Put on a request that arrived while too many replies wait to be read: [`refuse_busy`]
/// answers it 503 inside the audit layer, so the refusal gets its record.
#[derive(Clone, Copy)]
pub(crate) struct Busy;

/// Answer a request marked [`Busy`] at once, before authentication or any other work.
pub(crate) async fn refuse_busy(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if req.extensions().get::<Busy>().is_some() {
        return busy();
    }
    next.run(req).await
}

/// The answer to a request refused while too many replies wait to be read.
fn busy() -> axum::response::Response {
    use axum::response::IntoResponse;
    crate::telemetry::metrics::limit_refused("unread_replies");
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        [(axum::http::header::RETRY_AFTER, "5")],
        r#"{"error":"temporarily_unavailable","error_description":"too many replies are waiting to be read; read them, then retry"}"#,
    )
        .into_response()
}

/// A reply's body, counted until the client has taken it.
pub(crate) struct Reply<B> {
    inner: B,
    /// Part of a frame of `inner` not handed to hyper yet.
    held: Bytes,
    /// Bytes still counted as unsent for this reply.
    counted: u64,
    activity: Arc<Activity>,
}

impl<B: Body> Reply<B> {
    pub(crate) fn new(inner: B, activity: Arc<Activity>) -> Self {
        let counted = inner.size_hint().lower();
        UNSENT.fetch_add(counted, Ordering::Relaxed);
        activity.add_unsent(counted);
        Reply {
            inner,
            held: Bytes::new(),
            counted,
            activity,
        }
    }

    fn sent(&mut self, n: u64) {
        let n = n.min(self.counted);
        if n > 0 {
            self.counted -= n;
            UNSENT.fetch_sub(n, Ordering::Relaxed);
            self.activity.sub_unsent(n);
        }
    }
}

impl<B> Drop for Reply<B> {
    fn drop(&mut self) {
        if self.counted > 0 {
            UNSENT.fetch_sub(self.counted, Ordering::Relaxed);
            self.activity.sub_unsent(self.counted);
        }
    }
}

impl<B> Body for Reply<B>
where
    B: Body<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        loop {
            if !self.held.is_empty() {
                let n = self.held.len().min(CHUNK);
                let chunk = self.held.split_to(n);
                self.sent(n as u64);
                return Poll::Ready(Some(Ok(Frame::data(chunk))));
            }
            match std::task::ready!(Pin::new(&mut self.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => self.held = data,
                    Err(other) => return Poll::Ready(Some(Ok(other))),
                },
                other => return Poll::Ready(other),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.held.is_empty() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let inner = self.inner.size_hint();
        let held = self.held.len() as u64;
        let mut hint = SizeHint::new();
        hint.set_lower(inner.lower().saturating_add(held));
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper.saturating_add(held));
        }
        hint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn a_reply_is_counted_until_it_is_taken_or_dropped() {
        let activity = Activity::new();
        let body = http_body_util::Full::new(Bytes::from(vec![b'x'; 3 * CHUNK + 5]));
        let mut reply = Reply::new(body, activity.clone());
        assert_eq!(activity.unsent(), (3 * CHUNK + 5) as u64);
        let first = reply.frame().await.expect("a frame").expect("data");
        assert_eq!(first.into_data().map(|d| d.len()).ok(), Some(CHUNK));
        assert_eq!(activity.unsent(), (2 * CHUNK + 5) as u64);
        drop(reply);
        assert_eq!(activity.unsent(), 0);
        let body = http_body_util::Full::new(Bytes::from(vec![b'y'; CHUNK + 1]));
        let all = Reply::new(body, activity.clone())
            .collect()
            .await
            .expect("body")
            .to_bytes();
        assert_eq!(all.len(), CHUNK + 1);
        assert_eq!(activity.unsent(), 0);
    }
}

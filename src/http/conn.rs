//! What one client may hold of the server's connections.
//!
//! Two rules, on top of the server-wide bound on connections:
//! - **Idle connections are closed.** A connection with no request running that has read and
//!   written nothing for [`IDLE`] is dropped: a socket that never sends a byte, an HTTP/2
//!   connection that opens no stream, a kept-alive connection nobody uses. hyper's header read
//!   timeout starts only at a request's first byte (and the HTTP/1-or-2 detection waits for
//!   bytes with no timer at all), so without this, connections that send nothing are held
//!   forever and a few thousand of them lock every client out.
//! - **One address holds at most [`PER_CLIENT`] connections at once**, so one client cannot
//!   take the server's whole bound in the [`IDLE`] it takes to drop them. Trusted proxies
//!   (`[server] trusted_proxies`) carry many clients' connections and are exempt.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How long a connection may sit with no request running and no byte read or written.
pub(crate) const IDLE: Duration = Duration::from_secs(10);

/// Connections one client address may hold at once.
pub(crate) const PER_CLIENT: usize = 256;

/// How often a connection looks at its idle time.
const TICK: Duration = Duration::from_secs(1);

/// The activity of one connection, shared by its socket and its requests.
#[derive(Debug)]
pub(crate) struct Activity {
    start: Instant,
    /// Milliseconds from `start` to the last byte read or written.
    last_ms: AtomicU64,
    /// Requests running on the connection.
    running: AtomicUsize,
}

impl Activity {
    pub(crate) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
            running: AtomicUsize::new(0),
        })
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Whether the connection has been idle for longer than `limit`.
    fn idle_for(&self, limit: Duration) -> bool {
        if self.running.load(Ordering::Relaxed) > 0 {
            return false;
        }
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last) > limit
    }

    /// Held while a request runs on the connection.
    pub(crate) fn request(self: &Arc<Self>) -> Running {
        self.running.fetch_add(1, Ordering::Relaxed);
        Running(self.clone())
    }

    /// Resolves once the connection has been idle for [`IDLE`].
    pub(crate) async fn idle(&self) {
        let mut tick = tokio::time::interval(TICK);
        loop {
            tick.tick().await;
            if self.idle_for(IDLE) {
                return;
            }
        }
    }
}

/// A request running; the connection is not idle while one is held.
pub(crate) struct Running(Arc<Activity>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.touch();
        self.0.running.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A socket that notes when bytes go through it.
pub(crate) struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Watched<T> {
    pub(crate) fn new(inner: T, activity: Arc<Activity>) -> Self {
        Watched { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Connections held per client address.
#[derive(Debug, Default)]
pub(crate) struct PerClient {
    held: Mutex<HashMap<IpAddr, usize>>,
}

impl PerClient {
    /// A slot for one more connection from `ip`, or `None` when it holds [`PER_CLIENT`].
    pub(crate) fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<ClientSlot> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let n = held.entry(ip).or_insert(0);
        if *n >= PER_CLIENT {
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            ip,
            of: self.clone(),
        })
    }
}

/// One connection of a client address; given back when dropped.
pub(crate) struct ClientSlot {
    ip: IpAddr,
    of: Arc<PerClient>,
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut held = self.of.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = held.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_holds_a_bounded_number_of_connections() {
        let per = Arc::new(PerClient::default());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let held: Vec<ClientSlot> = (0..PER_CLIENT).filter_map(|_| per.admit(a)).collect();
        assert_eq!(held.len(), PER_CLIENT);
        assert!(per.admit(a).is_none());
        assert!(per.admit(b).is_some(), "another address has its own");
        drop(held);
        assert!(per.admit(a).is_some());
        assert!(
            per.held.lock().unwrap().is_empty(),
            "nothing is kept for gone clients"
        );
    }

    #[test]
    fn a_running_request_keeps_the_connection_busy() {
        let activity = Activity::new();
        assert!(!activity.idle_for(Duration::from_millis(50)));
        std::thread::sleep(Duration::from_millis(80));
        assert!(activity.idle_for(Duration::from_millis(50)));
        let running = activity.request();
        assert!(!activity.idle_for(Duration::from_millis(50)));
        drop(running);
        assert!(
            !activity.idle_for(Duration::from_millis(50)),
            "its end counts"
        );
    }
}

//! What one client may hold of the server's connections.
//!
//! Two rules, on top of the server-wide bound on connections:
//! - **Idle connections are closed.** A connection with no request running that has read and
//!   written nothing for [`IDLE`] is dropped: a socket that never sends a byte, an HTTP/2
//!   connection that opens no stream, a kept-alive connection nobody uses. hyper's header read
//!   timeout starts only at a request's first byte (and the HTTP/1-or-2 detection waits for
//!   bytes with no timer at all), so without this, connections that send nothing are held
//!   forever and a few thousand of them lock every client out.
//! - **A reply that stops moving is dropped.** A connection whose writes are blocked (the client
//!   does not read) or that holds replies not sent yet (`super::replies`: over HTTP/2 a stream
//!   window of zero holds them without blocking the socket), and that sent less than
//!   [`MIN_PROGRESS`] in [`IDLE`], is closed, request running or not, whatever the client still
//!   sends; so is one that has held unsent replies for [`REPLY_DEADLINE`]. Each such connection
//!   holds its replies whole (a client reading a byte every few seconds held 1.2 MB per
//!   connection for as long as it liked; 400 HTTP/2 replies held at window zero, 256 MB).
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

/// Bytes a connection whose writes are blocked must get out per [`IDLE`] to be kept.
pub(crate) const MIN_PROGRESS: u64 = 16 * 1024;

/// The longest a connection may hold replies its client has not taken, without a break.
pub(crate) const REPLY_DEADLINE: Duration = Duration::from_secs(60);

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
    /// Bytes written so far.
    written: AtomicU64,
    /// Whether the last write found the socket full.
    blocked: std::sync::atomic::AtomicBool,
    /// Bytes of replies not handed to the connection yet (`super::replies::Reply`).
    unsent: AtomicU64,
    /// Milliseconds from `start` (plus one; 0: none) since when `unsent` has not been zero.
    unsent_since: AtomicU64,
}

impl Activity {
    pub(crate) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
            running: AtomicUsize::new(0),
            written: AtomicU64::new(0),
            blocked: std::sync::atomic::AtomicBool::new(false),
            unsent: AtomicU64::new(0),
            unsent_since: AtomicU64::new(0),
        })
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// Bytes of replies on this connection not sent yet.
    pub(crate) fn unsent(&self) -> u64 {
        self.unsent.load(Ordering::Relaxed)
    }

    pub(crate) fn add_unsent(&self, n: u64) {
        if n > 0 && self.unsent.fetch_add(n, Ordering::Relaxed) == 0 {
            self.unsent_since
                .store(self.now_ms().saturating_add(1), Ordering::Relaxed);
        }
    }

    pub(crate) fn sub_unsent(&self, n: u64) {
        if n > 0 && self.unsent.fetch_sub(n, Ordering::Relaxed) == n {
            self.unsent_since.store(0, Ordering::Relaxed);
        }
    }

    /// Whether replies have been waiting on this connection, without a break, for `limit`.
    fn replies_waiting_for(&self, limit: Duration) -> bool {
        match self.unsent_since.load(Ordering::Relaxed) {
            0 => false,
            since => Duration::from_millis(self.now_ms().saturating_sub(since - 1)) > limit,
        }
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

    fn wrote(&self, polled: &Poll<io::Result<usize>>) {
        match polled {
            Poll::Ready(Ok(n)) if *n > 0 => {
                self.touch();
                self.written.fetch_add(*n as u64, Ordering::Relaxed);
                self.blocked.store(false, Ordering::Relaxed);
            }
            Poll::Pending => self.blocked.store(true, Ordering::Relaxed),
            _ => {}
        }
    }

    /// Resolves once the connection has been idle for [`IDLE`], or its writes have been
    /// blocked for that long with less than [`MIN_PROGRESS`] written.
    pub(crate) async fn idle(&self) {
        self.idle_after(IDLE, REPLY_DEADLINE, TICK).await;
    }

    async fn idle_after(&self, limit: Duration, deadline: Duration, every: Duration) {
        let mut tick = tokio::time::interval(every);
        // Since when the writes have been blocked, and what had been written then.
        let mut stalled: Option<(Instant, u64)> = None;
        loop {
            tick.tick().await;
            if self.idle_for(limit) || self.replies_waiting_for(deadline) {
                return;
            }
            let written = self.written.load(Ordering::Relaxed);
            let waiting = self.blocked.load(Ordering::Relaxed) || self.unsent() > 0;
            stalled = match stalled {
                _ if !waiting => None,
                None => Some((Instant::now(), written)),
                Some((since, mark)) if since.elapsed() >= limit => {
                    if written.saturating_sub(mark) < MIN_PROGRESS {
                        return;
                    }
                    Some((Instant::now(), written))
                }
                kept => kept,
            };
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
        self.activity.wrote(&polled);
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.activity.wrote(&polled);
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
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A client that sends a byte now and then but reads nothing keeps the connection busy by
    /// its reads; its reply stops moving, so it is closed all the same, request running or
    /// not. One that reads, however slowly past the minimum, is kept.
    #[tokio::test]
    async fn a_reply_that_stops_moving_closes_the_connection() {
        for reads in [false, true] {
            let (server, client) = tokio::io::duplex(1024);
            let activity = Activity::new();
            let _running = activity.request();
            let (mut from_client, mut to_client) =
                tokio::io::split(Watched::new(server, activity.clone()));
            let (mut client_reads, mut client_writes) = tokio::io::split(client);
            let reply = tokio::spawn(async move {
                let _ = to_client.write_all(&vec![b'x'; 8 << 20]).await;
            });
            let request = tokio::spawn(async move {
                let mut byte = [0u8; 1];
                while from_client.read(&mut byte).await.is_ok_and(|n| n > 0) {}
            });
            let trickle = tokio::spawn(async move {
                loop {
                    let _ = client_writes.write_all(b"x").await;
                    if reads {
                        let mut buf = vec![0u8; MIN_PROGRESS as usize];
                        let _ = client_reads.read_exact(&mut buf).await;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            });
            let closed = tokio::time::timeout(
                Duration::from_millis(600),
                activity.idle_after(
                    Duration::from_millis(100),
                    Duration::from_secs(60),
                    Duration::from_millis(10),
                ),
            )
            .await
            .is_ok();
            assert_eq!(closed, !reads, "reads: {reads}");
            reply.abort();
            request.abort();
            trickle.abort();
        }
    }

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

//! The process's standard input and output as async byte streams, on the runtime's reactor
//! whenever the kind of stream allows it.
//!
//! How a client launches a server decides what stdin and stdout are: pipes from most process
//! APIs (Python's asyncio, Rust's `tokio::process`, a shell), a Unix socket pair from Node.js
//! (libuv gives its children sockets: the TypeScript SDK, and so Claude Desktop, Cursor, VS Code
//! and the Inspector). tokio's `Stdin`/`Stdout` hand every read and write to a blocking thread
//! and back, a thread switch each way per message; here:
//! - a pipe is reopened through `/proc/self/fd` with `O_NONBLOCK`: a new open file description
//!   of the same pipe, so the flag never reaches the inherited one (which the parent, or a
//!   child we spawn, may share), and driven by tokio's pipe driver;
//! - a stream socket cannot be reopened, and setting `O_NONBLOCK` on it would change the shared
//!   description; it is registered with the reactor as it is (readiness does not depend on the
//!   flag) and read and written with `MSG_DONTWAIT`, which makes each call non-blocking alone;
//! - anything else (a terminal, a file, a datagram socket), and every stream off Linux, keeps
//!   tokio's blocking handles.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Standard input.
#[derive(Debug)]
pub enum Input {
    #[cfg(target_os = "linux")]
    Pipe(tokio::net::unix::pipe::Receiver),
    #[cfg(target_os = "linux")]
    Socket(Socket),
    Blocking(tokio::io::Stdin),
}

/// Standard output.
#[derive(Debug)]
pub enum Output {
    #[cfg(target_os = "linux")]
    Pipe(tokio::net::unix::pipe::Sender),
    #[cfg(target_os = "linux")]
    Socket(Socket),
    Blocking(tokio::io::Stdout),
}

/// Standard input and output, each in the cheapest form its kind allows. Must run inside the
/// runtime (the reactor registers the streams).
pub fn standard() -> (Input, Output) {
    let input = reactor_input().unwrap_or_else(|| Input::Blocking(tokio::io::stdin()));
    let output = reactor_output().unwrap_or_else(|| Output::Blocking(tokio::io::stdout()));
    tracing::debug!(
        input = input.kind(),
        output = output.kind(),
        "stdio streams"
    );
    (input, output)
}

impl Input {
    /// How it is driven, for the log.
    pub fn kind(&self) -> &'static str {
        match self {
            #[cfg(target_os = "linux")]
            Input::Pipe(_) => "pipe",
            #[cfg(target_os = "linux")]
            Input::Socket(_) => "socket",
            Input::Blocking(_) => "blocking",
        }
    }
}

impl Output {
    /// How it is driven, for the log.
    pub fn kind(&self) -> &'static str {
        match self {
            #[cfg(target_os = "linux")]
            Output::Pipe(_) => "pipe",
            #[cfg(target_os = "linux")]
            Output::Socket(_) => "socket",
            Output::Blocking(_) => "blocking",
        }
    }
}

#[cfg(target_os = "linux")]
fn reactor_input() -> Option<Input> {
    use std::os::fd::AsFd;
    use tokio::net::unix::pipe::Receiver;
    let pipe = |fd| Receiver::from_owned_fd(fd).map(Input::Pipe);
    on_reactor(io::stdin().as_fd(), false, pipe, Input::Socket)
}

#[cfg(target_os = "linux")]
fn reactor_output() -> Option<Output> {
    use std::os::fd::AsFd;
    use tokio::net::unix::pipe::Sender;
    let pipe = |fd| Sender::from_owned_fd(fd).map(Output::Pipe);
    on_reactor(io::stdout().as_fd(), true, pipe, Output::Socket)
}

#[cfg(not(target_os = "linux"))]
fn reactor_input() -> Option<Input> {
    None
}

#[cfg(not(target_os = "linux"))]
fn reactor_output() -> Option<Output> {
    None
}

/// `fd` for the reactor: a pipe reopened non-blocking and given to `pipe`, a stream socket
/// given to `socket` as a [`Socket`]; `None` for any other kind.
#[cfg(target_os = "linux")]
fn on_reactor<T>(
    fd: std::os::fd::BorrowedFd<'_>,
    write: bool,
    pipe: impl FnOnce(std::os::fd::OwnedFd) -> io::Result<T>,
    socket: impl FnOnce(Socket) -> T,
) -> Option<T> {
    match kind_of(fd)? {
        Kind::Pipe => pipe(reopen_nonblocking(fd, write)?).ok(),
        Kind::Socket => Socket::new(fd).map(socket),
    }
}

#[cfg(target_os = "linux")]
enum Kind {
    Pipe,
    Socket,
}

/// A pipe, a stream socket, or `None` for any other kind (or one that cannot be told).
#[cfg(target_os = "linux")]
fn kind_of(fd: std::os::fd::BorrowedFd<'_>) -> Option<Kind> {
    use std::os::unix::fs::FileTypeExt;
    let file = std::fs::File::from(fd.try_clone_to_owned().ok()?);
    let kind = file.metadata().ok()?.file_type();
    if kind.is_fifo() {
        Some(Kind::Pipe)
    } else if kind.is_socket()
        && rustix::net::sockopt::socket_type(&file).ok()? == rustix::net::SocketType::STREAM
    {
        Some(Kind::Socket)
    } else {
        None
    }
}

/// The pipe behind `fd` opened again, non-blocking, on a description of its own.
#[cfg(target_os = "linux")]
fn reopen_nonblocking(
    fd: std::os::fd::BorrowedFd<'_>,
    write: bool,
) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let reopened = std::fs::OpenOptions::new()
        .read(!write)
        .write(write)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(format!("/proc/self/fd/{}", fd.as_raw_fd()))
        .ok()?;
    // What was opened is what is driven: check it is still a pipe.
    reopened
        .metadata()
        .ok()?
        .file_type()
        .is_fifo()
        .then(|| reopened.into())
}

/// A stream socket driven by the reactor without touching its file status flags: every read and
/// write passes `MSG_DONTWAIT`, so none blocks whatever the description's mode.
#[cfg(target_os = "linux")]
#[derive(Debug)]
pub struct Socket {
    fd: tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>,
}

#[cfg(target_os = "linux")]
impl Socket {
    fn new(fd: std::os::fd::BorrowedFd<'_>) -> Option<Socket> {
        let fd = fd.try_clone_to_owned().ok()?;
        // Deprecated in favour of an `unsafe` constructor (tokio#8587: a borrowed descriptor
        // could be closed or reused while registered). An `OwnedFd` is ours until the
        // `AsyncFd` drops it, which is what that constructor asks its caller to promise; this
        // crate forbids `unsafe`, so the safe spelling stays.
        #[allow(deprecated)]
        let fd = tokio::io::unix::AsyncFd::new(fd).ok()?;
        Some(Socket { fd })
    }
}

#[cfg(target_os = "linux")]
impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        use rustix::net::{RecvFlags, recv};
        loop {
            let mut ready = ready!(self.fd.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            match ready.try_io(|fd| Ok(recv(fd.get_ref(), &mut *unfilled, RecvFlags::DONTWAIT)?.0))
            {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                // Not readable after all: readiness cleared, wait again.
                Err(_) => {}
            }
        }
    }
}

#[cfg(target_os = "linux")]
impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        use rustix::net::{SendFlags, send};
        loop {
            let mut ready = ready!(self.fd.poll_write_ready(cx))?;
            match ready.try_io(|fd| {
                Ok(send(
                    fd.get_ref(),
                    buf,
                    SendFlags::DONTWAIT | SendFlags::NOSIGNAL,
                )?)
            }) {
                Ok(Ok(n)) => return Poll::Ready(Ok(n)),
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_) => {}
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered here: every write went to the socket.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // The socket is the process's stdout, shared with whoever else holds it: left open.
        Poll::Ready(Ok(()))
    }
}

macro_rules! each {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            #[cfg(target_os = "linux")]
            Self::Pipe($s) => $e,
            #[cfg(target_os = "linux")]
            Self::Socket($s) => $e,
            Self::Blocking($s) => $e,
        }
    };
}

impl AsyncRead for Input {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        each!(self, s => Pin::new(s).poll_read(cx, buf))
    }
}

impl AsyncWrite for Output {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        each!(self, s => Pin::new(s).poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        each!(self, s => Pin::new(s).poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        each!(self, s => Pin::new(s).poll_shutdown(cx))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::{Read, Write};
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    fn blocking(fd: std::os::fd::BorrowedFd<'_>) -> bool {
        let flags = rustix::fs::fcntl_getfl(fd).expect("F_GETFL");
        !flags.contains(rustix::fs::OFlags::NONBLOCK)
    }

    #[tokio::test]
    async fn a_socket_is_read_and_written_without_changing_its_mode() {
        let (ours, mut theirs) = UnixStream::pair().expect("socketpair");
        assert!(blocking(ours.as_fd()));
        assert_eq!(
            kind_of(ours.as_fd()).map(|k| matches!(k, Kind::Socket)),
            Some(true)
        );
        let mut socket = Socket::new(ours.as_fd()).expect("registered");

        // A read waits for data that comes later, then gets it.
        let peer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            theirs
                .write_all(b"{\"jsonrpc\":\"2.0\"}\n")
                .expect("peer writes");
            theirs
        });
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf))
            .await
            .expect("woken by the peer's write")
            .expect("read");
        assert_eq!(&buf[..n], b"{\"jsonrpc\":\"2.0\"}\n");
        let mut theirs = peer.join().expect("peer");

        // A write far larger than the socket's buffer goes out whole while the peer reads
        // slowly: every send returns at once, and the task waits for room instead of a thread.
        let big: Vec<u8> = (0..4 << 20).map(|i| (i % 251) as u8).collect();
        let expected = big.clone();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut chunk = [0u8; 8192];
            while got.len() < expected.len() {
                let n = theirs.read(&mut chunk).expect("peer reads");
                got.extend_from_slice(&chunk[..n]);
            }
            assert!(got == expected, "the bytes arrive whole and in order");
            theirs
        });
        tokio::time::timeout(Duration::from_secs(20), socket.write_all(&big))
            .await
            .expect("the write completes")
            .expect("write");
        let theirs = reader.join().expect("peer");

        // The shared description was never switched to non-blocking.
        assert!(blocking(ours.as_fd()));

        // The peer's end closing is the end of input.
        drop(theirs);
        let n = socket.read(&mut buf).await.expect("read at EOF");
        assert_eq!(n, 0);
    }

    #[tokio::test]
    async fn a_datagram_socket_or_a_file_is_left_to_the_blocking_handles() {
        let (a, _b) = std::os::unix::net::UnixDatagram::pair().expect("datagram pair");
        assert!(kind_of(a.as_fd()).is_none());
        let file = tempfile::tempfile().expect("file");
        assert!(kind_of(file.as_fd()).is_none());
    }

    #[tokio::test]
    async fn a_pipe_is_reopened_on_a_description_of_its_own() {
        let (read, mut write) = std::io::pipe().expect("pipe");
        assert!(matches!(kind_of(read.as_fd()), Some(Kind::Pipe)));
        let reopened = reopen_nonblocking(read.as_fd(), false).expect("reopened");
        assert!(!blocking(reopened.as_fd()));
        assert!(
            blocking(read.as_fd()),
            "the inherited description keeps its mode"
        );
        let mut receiver =
            tokio::net::unix::pipe::Receiver::from_owned_fd(reopened).expect("registered");
        write.write_all(b"line\n").expect("write");
        let mut buf = [0u8; 8];
        let n = receiver.read(&mut buf).await.expect("read");
        assert_eq!(&buf[..n], b"line\n");
    }
}

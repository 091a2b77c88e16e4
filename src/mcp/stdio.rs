//! The stdio transport: one JSON-RPC message per line on stdin, one per line on stdout.
//!
//! Input: lines from the client. Output: the messages rmcp serves, and, for a line that is JSON
//! but not a message rmcp can take, the JSON-RPC error for it on stdout, with the request's id
//! whenever it can be read, so the client's pending request fails at once instead of timing
//! out. The checks and their words are the HTTP transport's ([`super::jsonrpc::check_message`]).
//! As the official SDKs do, a line that is not JSON at all is logged and not answered (there is
//! no id to answer, and a peer echoing errors back would loop), and notifications are never
//! answered. A line longer than [`MAX_LINE_BYTES`] is skipped as it arrives, never held whole.
//! Pipes and stream sockets (how clients launch servers) are driven by the runtime's reactor
//! rather than its blocking threads ([`super::streams`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rmcp::RoleServer;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

use super::Sqlwarden;
use super::call::{Call, Caller, StdioRequest};
use super::jsonrpc::{Malformed, audited_method, check_message};

/// The longest line taken: the HTTP transport's body bound.
pub const MAX_LINE_BYTES: usize = super::jsonrpc::MAX_MESSAGE_BYTES;

/// The process's standard streams as a [`LineTransport`] for `server`'s session.
pub fn stdio(server: &Sqlwarden) -> LineTransport<super::streams::Input, super::streams::Output> {
    let (read, write) = super::streams::standard();
    LineTransport::new(read, write).audited_by(server.clone())
}

/// Newline-delimited JSON-RPC over a reader and a writer.
pub struct LineTransport<R, W> {
    read: BufReader<R>,
    /// The line being read. Kept across calls: `receive` is polled inside a `select!` and may be
    /// dropped mid-line; the next call goes on where it stopped.
    line: Vec<u8>,
    /// Skipping the rest of a line longer than [`MAX_LINE_BYTES`].
    skipping: bool,
    write: Arc<Mutex<W>>,
    /// Error replies written or waiting to be: a client that sends bad lines and never reads
    /// its replies gets at most [`MAX_PENDING_ANSWERS`] held for it.
    pending: Arc<AtomicUsize>,
    /// The session's handler: a refused request of an audited kind is recorded as its caller's.
    server: Option<Sqlwarden>,
    /// Whether rmcp has begun serving the session (see [`Self::before_session`]).
    begun: bool,
}

/// Error replies held at once for a client that does not read them; more are not written.
const MAX_PENDING_ANSWERS: usize = 64;

impl<R, W> LineTransport<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    pub fn new(read: R, write: W) -> Self {
        LineTransport {
            read: BufReader::with_capacity(64 << 10, read),
            line: Vec::new(),
            skipping: false,
            write: Arc::new(Mutex::new(write)),
            pending: Arc::new(AtomicUsize::new(0)),
            server: None,
            begun: false,
        }
    }

    /// Record the requests refused here (an audited kind whose params cannot be read) as
    /// `server`'s session does every other request.
    pub fn audited_by(mut self, server: Sqlwarden) -> Self {
        self.server = Some(server);
        self
    }

    /// The next whole line into `self.line` (without its newline): `Ok(true)`, or `Ok(false)` at
    /// the end of input. An over-long line is answered and skipped here. Cancel-safe: it awaits
    /// only `fill_buf`, which takes nothing from the stream, and keeps its state in `self`.
    async fn next_line(&mut self) -> std::io::Result<bool> {
        loop {
            let chunk = self.read.fill_buf().await?;
            if chunk.is_empty() {
                // A last line without its newline is incomplete: nothing to deliver.
                return Ok(false);
            }
            let (take, end) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if !self.skipping {
                if self.line.len() + take > MAX_LINE_BYTES {
                    self.skipping = true;
                    self.line = Vec::new();
                } else {
                    self.line.extend_from_slice(&chunk[..take]);
                }
            }
            self.read.consume(take + usize::from(end));
            if !end {
                continue;
            }
            if !std::mem::take(&mut self.skipping) {
                return Ok(true);
            }
            tracing::warn!(
                limit = MAX_LINE_BYTES,
                "a stdio message longer than the limit was skipped"
            );
            self.answer(Malformed {
                code: -32600,
                message: format!(
                    "Invalid Request: the message is longer than {MAX_LINE_BYTES} bytes"
                ),
                id: None,
                notification: false,
                audited: None,
                data: None,
            });
        }
    }

    /// Answer a line that cannot be served, unless nothing is to be answered. The reply is
    /// written by a task of its own: `receive` never waits on stdout, so dropping it (rmcp
    /// polls it inside a `select!`) cannot leave a line half handled.
    fn answer(&self, malformed: Malformed) {
        if malformed.notification {
            tracing::debug!(message = %malformed.message, "a notification that cannot be taken was ignored");
            return;
        }
        let code = malformed.audit_code();
        let audit = self.server.clone().zip(malformed.audited);
        if self.pending.fetch_add(1, Ordering::Relaxed) >= MAX_PENDING_ANSWERS {
            self.pending.fetch_sub(1, Ordering::Relaxed);
            tracing::debug!(message = %malformed.message, "an error reply was not written: too many pending");
            // No reply, so nothing waits for the record: queued, not awaited.
            if let Some((server, method)) = audit {
                let caller = Caller::of(&server, &StdioRequest);
                let record = Call::refusal(&server, caller, method, "", code);
                server.state.auditor.record_detached(record);
            }
            return;
        }
        let mut error = serde_json::json!({"code": malformed.code, "message": malformed.message});
        if let Some(data) = malformed.data {
            error["data"] = data;
        }
        let reply = serde_json::json!({"jsonrpc": "2.0", "id": malformed.id, "error": error});
        let mut bytes = reply.to_string().into_bytes();
        bytes.push(b'\n');
        let write = self.write.clone();
        let pending = self.pending.clone();
        tokio::spawn(async move {
            // As for every call: the record first, then the reply.
            if let Some((server, method)) = audit {
                let caller = Caller::of(&server, &StdioRequest);
                Call::refused(&server, caller, method, "", code).await;
            }
            if let Err(e) = write_line(&write, &bytes).await {
                tracing::debug!(error = %e, "an error reply could not be written");
            }
            pending.fetch_sub(1, Ordering::Relaxed);
        });
    }

    /// The message on a whole line, or why there is none (`Ok(None)`: nothing to answer).
    fn take_line(&self) -> Result<Option<RxJsonRpcMessage<RoleServer>>, Malformed> {
        let line = self.line.strip_suffix(b"\r").unwrap_or(&self.line);
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        // The common case costs one parse; the checks run only on what rmcp cannot take.
        if let Ok(message) = serde_json::from_slice::<RxJsonRpcMessage<RoleServer>>(line) {
            return Ok(Some(message));
        }
        match check_message(line) {
            Err(m) if m.code == -32700 => {
                tracing::debug!(error = %m.message, "a stdio line that is not JSON was ignored");
                Ok(None)
            }
            Err(m) => Err(m),
            // A reply from the client that cannot be read is not answered (an error answered
            // with an error could go back and forth).
            Ok(value) if value.get("method").is_none() => {
                tracing::debug!("a stdio reply that cannot be read was ignored");
                Ok(None)
            }
            Ok(value) => Err(Malformed {
                code: -32600,
                message: "Invalid Request: not a JSON-RPC request or notification this server \
                          can read"
                    .into(),
                notification: value.get("id").is_none(),
                audited: value.get("id").and(
                    value
                        .get("method")
                        .and_then(|m| m.as_str())
                        .and_then(audited_method),
                ),
                id: value.get("id").cloned(),
                data: None,
            }),
        }
    }
}

impl<R, W> LineTransport<R, W> {
    /// Until a session begins (an `initialize` request, or a request carrying the stateless
    /// protocol's `_meta`), rmcp answers any other request itself, without the handler that
    /// records calls. A `tools/call`, `prompts/get` or `resources/read` it would refuse for
    /// its missing metadata or for a protocol version it does not know is refused here instead,
    /// in rmcp's words (code, message and data), so that it is recorded first like every
    /// refused request.
    fn before_session(&mut self, message: &RxJsonRpcMessage<RoleServer>) -> Option<Malformed> {
        use rmcp::model::{ClientRequest, GetMeta, JsonRpcMessage, ProtocolVersion};
        if self.begun {
            return None;
        }
        let JsonRpcMessage::Request(request) = message else {
            return None;
        };
        match &request.request {
            ClientRequest::InitializeRequest(_) => {
                self.begun = true;
                return None;
            }
            ClientRequest::PingRequest(_) | ClientRequest::DiscoverRequest(_) => return None,
            _ => {}
        }
        let meta = request.request.get_meta();
        let missing = meta.missing_required_keys(&ProtocolVersion::V_2026_07_28);
        let known = meta
            .protocol_version()
            .is_some_and(|v| ProtocolVersion::KNOWN_VERSIONS.contains(&v));
        if missing.is_empty() && known {
            // rmcp serves it through the handler, and every request after it.
            self.begun = true;
            return None;
        }
        let audited = audited_method(request.request.method())?;
        if !missing.is_empty() {
            return Some(Malformed {
                code: -32602,
                message: format!(
                    "request _meta is missing or has malformed required fields: {}",
                    missing.join(", ")
                ),
                id: serde_json::to_value(&request.id).ok(),
                notification: false,
                audited: Some(audited),
                data: None,
            });
        }
        // A protocol version rmcp does not know: its answer, given here after the record.
        let requested = meta.protocol_version()?;
        let error = rmcp::model::ErrorData::unsupported_protocol_version(
            requested,
            ProtocolVersion::KNOWN_VERSIONS,
        );
        Some(Malformed {
            code: i64::from(error.code.0),
            message: error.message.into_owned(),
            id: serde_json::to_value(&request.id).ok(),
            notification: false,
            audited: Some(audited),
            data: error.data,
        })
    }
}

async fn write_line<W: AsyncWrite + Unpin>(write: &Mutex<W>, bytes: &[u8]) -> std::io::Result<()> {
    let mut write = write.lock().await;
    write.write_all(bytes).await?;
    write.flush().await
}

impl<R, W> Transport<RoleServer> for LineTransport<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let write = self.write.clone();
        async move {
            let mut bytes = serde_json::to_vec(&item)?;
            bytes.push(b'\n');
            write_line(&write, &bytes).await
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            match self.next_line().await {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    tracing::error!(error = %e, "reading stdin failed");
                    return None;
                }
            }
            // Nothing is awaited from here to the line's end: a whole line is handled at once.
            let taken = self.take_line();
            self.line.clear();
            match taken {
                Ok(Some(message)) => match self.before_session(&message) {
                    Some(refused) => self.answer(refused),
                    None => return Some(message),
                },
                Ok(None) => {}
                Err(malformed) => self.answer(malformed),
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.write.lock().await.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feed `input` to a transport; the messages it hands to rmcp and the lines it answers.
    async fn run(input: Vec<u8>) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
        let (mut client, server_read) = tokio::io::duplex(1 << 20);
        let (server_write, mut answers) = tokio::io::duplex(1 << 20);
        let mut transport = LineTransport::new(server_read, server_write);
        let feeder = tokio::spawn(async move {
            let _ = client.write_all(&input).await;
            drop(client);
        });
        let mut taken = Vec::new();
        while let Some(m) = transport.receive().await {
            taken.push(serde_json::to_value(&m).unwrap_or_default());
        }
        let _ = feeder.await;
        drop(transport);
        let mut out = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut answers, &mut out).await;
        let answered = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_default())
            .collect();
        (taken, answered)
    }

    #[tokio::test]
    async fn bad_lines_are_answered_with_their_id_and_good_ones_pass() {
        let lines = [
            r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
            "{not json",
            "",
            r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":[1,2]}"#,
            r#"[{"jsonrpc":"2.0","id":3,"method":"ping"}]"#,
            r#"{"jsonrpc":"1.0","id":4,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized","params":[1]}"#,
            r#"{"jsonrpc":"2.0","method":"$/lsp-thing"}"#,
            r#"{"jsonrpc":"2.0","id":{"x":1},"result":{}}"#,
            "\u{feff}{\"jsonrpc\":\"2.0\",\"id\":\"five\",\"method\":\"ping\"}\r",
        ];
        let (taken, answered) = run(format!("{}\n", lines.join("\n")).into_bytes()).await;
        // Readable messages pass as they are (an unknown notification is rmcp's to ignore).
        let taken: Vec<_> = taken
            .iter()
            .map(|m| (m["id"].clone(), m["method"].clone()))
            .collect();
        assert_eq!(
            taken,
            [
                (serde_json::json!(1), serde_json::json!("ping")),
                (serde_json::Value::Null, serde_json::json!("$/lsp-thing")),
                (serde_json::json!("five"), serde_json::json!("ping")),
            ]
        );
        let codes: Vec<_> = answered
            .iter()
            .map(|a| (a["id"].clone(), a["error"]["code"].as_i64().unwrap_or(0)))
            .collect();
        assert_eq!(
            codes,
            [
                (serde_json::json!(2), -32602),
                (serde_json::Value::Null, -32600),
                (serde_json::Value::Null, -32600),
                (serde_json::Value::Null, -32600),
            ],
            "{answered:?}"
        );
        assert!(
            answered[0]["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("params must be an object")),
            "{answered:?}"
        );
    }

    /// rmcp polls `receive` inside a `select!`: a call dropped mid-line loses nothing.
    #[tokio::test]
    async fn a_receive_dropped_mid_line_loses_nothing() {
        let (mut client, server_read) = tokio::io::duplex(1 << 16);
        let (server_write, _answers) = tokio::io::duplex(1 << 16);
        let mut transport = LineTransport::new(server_read, server_write);
        client
            .write_all(br#"{"jsonrpc":"2.0","id":1,"me"#)
            .await
            .unwrap_or_default();
        let first = tokio::time::timeout(std::time::Duration::from_millis(50), transport.receive());
        assert!(first.await.is_err(), "half a line is not a message");
        client
            .write_all(b"thod\":\"ping\"}\n")
            .await
            .unwrap_or_default();
        drop(client);
        let mut taken = Vec::new();
        while let Some(m) = transport.receive().await {
            taken.push(serde_json::to_value(&m).unwrap_or_default());
        }
        assert_eq!(taken.len(), 1, "{taken:?}");
        assert_eq!(taken[0]["id"], 1, "{taken:?}");
        assert_eq!(taken[0]["method"], "ping", "{taken:?}");
    }

    /// A client that sends bad lines and never reads stdout: reading goes on, and the replies
    /// held for it stay bounded.
    #[tokio::test]
    async fn replies_nobody_reads_do_not_pile_up() {
        let mut input = Vec::new();
        for id in 0..1000 {
            input.extend(
                format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"ping\",\"params\":[]}}\n")
                    .bytes(),
            );
        }
        input.extend(b"{\"jsonrpc\":\"2.0\",\"id\":\"last\",\"method\":\"ping\"}\n");
        let (mut client, server_read) = tokio::io::duplex(1 << 20);
        // Room for a few replies only, and nobody reads them.
        let (server_write, _unread) = tokio::io::duplex(512);
        let mut transport = LineTransport::new(server_read, server_write);
        client.write_all(&input).await.unwrap_or_default();
        drop(client);
        let last = transport
            .receive()
            .await
            .map(|m| serde_json::to_value(&m).unwrap_or_default());
        assert_eq!(
            last.map(|m| m["id"].clone()),
            Some(serde_json::json!("last"))
        );
        let pending = transport.pending.load(Ordering::Relaxed);
        // 1,000 bad lines, 64 replies held at most.
        assert!((1..=64).contains(&pending), "{pending}");
    }

    #[tokio::test]
    async fn an_over_long_line_is_skipped_and_the_next_served() {
        let mut input = br#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":""#.to_vec();
        input.extend(std::iter::repeat_n(b'a', MAX_LINE_BYTES + 10));
        input.extend(b"\"}}\n");
        input.extend(br#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#);
        input.push(b'\n');
        // An incomplete last line is not delivered.
        input.extend(br#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#);
        let (taken, answered) = run(input).await;
        assert_eq!(taken.len(), 1, "{taken:?}");
        assert_eq!(taken[0]["id"], 2);
        assert_eq!(answered.len(), 1, "{answered:?}");
        assert_eq!(answered[0]["error"]["code"], -32600);
        assert!(
            answered[0]["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("longer than")),
            "{answered:?}"
        );
    }

    /// Before `initialize`, an audited request rmcp would refuse for its missing metadata is
    /// answered here; other requests pass to rmcp's own answer, and so does everything once a
    /// session has begun.
    #[tokio::test]
    async fn an_audited_request_before_initialize_is_answered_here() {
        let lines = [
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tables"}}"#,
            r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            r#"{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#,
            r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_tables"}}"#,
        ];
        let (taken, answered) = run(format!("{}\n", lines.join("\n")).into_bytes()).await;
        let taken: Vec<_> = taken.iter().map(|m| m["id"].clone()).collect();
        assert_eq!(taken, [2, 3, 4].map(|i| serde_json::json!(i)));
        assert_eq!(answered.len(), 1, "{answered:?}");
        assert_eq!(answered[0]["id"], 1);
        assert_eq!(answered[0]["error"]["code"], -32602);
    }

    /// A stateless request naming a protocol version rmcp does not know gets rmcp's own answer
    /// (-32022 with the requested and supported versions), from here, so its record comes
    /// first; one naming a known version begins the session and passes to rmcp.
    #[tokio::test]
    async fn an_unknown_protocol_version_before_initialize_is_answered_here() {
        let meta = |v: &str| {
            format!(
                r#"{{"io.modelcontextprotocol/protocolVersion":"{v}","io.modelcontextprotocol/clientCapabilities":{{}}}}"#
            )
        };
        let lines = [
            format!(
                r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"list_tables","_meta":{}}}}}"#,
                meta("1999-01-01")
            ),
            format!(
                r#"{{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{{"name":"list_tables","_meta":{}}}}}"#,
                meta(rmcp::model::ProtocolVersion::V_2026_07_28.as_str())
            ),
        ];
        let (taken, answered) = run(format!("{}\n", lines.join("\n")).into_bytes()).await;
        let taken: Vec<_> = taken.iter().map(|m| m["id"].clone()).collect();
        assert_eq!(taken, [serde_json::json!(2)]);
        assert_eq!(answered.len(), 1, "{answered:?}");
        assert_eq!(answered[0]["id"], 1);
        assert_eq!(answered[0]["error"]["code"], -32022);
        assert_eq!(
            answered[0]["error"]["message"],
            "Unsupported protocol version"
        );
        assert_eq!(answered[0]["error"]["data"]["requested"], "1999-01-01");
        assert!(
            answered[0]["error"]["data"]["supported"]
                .as_array()
                .is_some_and(|v| !v.is_empty()),
            "{answered:?}"
        );
    }
}

//! MCP clients (rmcp) against the real binary, over stdio and Streamable HTTP.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::{ConfigureCommandExt, StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ServiceExt, object};

pub type Client = RunningService<RoleClient, ()>;

/// Write a config file for one database with the given extra TOML (limits etc.).
/// HTTP servers of these tests run with `[server] auth = "none"` (loopback) unless `extra` says
/// otherwise, and keep their governance store (audit trail) in `dir/store.db` unless `extra`
/// has a `[store]`.
/// `sqlwarden audit export --format jsonl` of the server configured by `config`, one value per
/// record.
pub fn audit_records(config: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(super::bin())
        .arg("--config")
        .arg(config)
        .args(["audit", "export", "--format", "jsonl"])
        .env_remove("SQLWARDEN_CONFIG")
        .env_remove("SQLWARDEN_STORE_URL")
        .output()
        .expect("audit export");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

pub fn config_file(dir: &Path, url: &str, extra: &str) -> PathBuf {
    let path = dir.join("sqlwarden.toml");
    let extra = if extra.contains("auth =") {
        extra.to_string()
    } else if extra.contains("[server]\n") {
        extra.replacen("[server]\n", "[server]\nauth = \"none\"\n", 1)
    } else {
        format!("[server]\nauth = \"none\"\n{extra}")
    };
    let store = if extra.contains("[store]") {
        String::new()
    } else {
        format!(
            "[store]\nurl = \"sqlite://{}\"\n",
            dir.join("store.db").display()
        )
    };
    let text = format!("{extra}\n{store}[databases.main]\nurl = \"{url}\"\n");
    std::fs::write(&path, text).expect("write config");
    path
}

/// `sqlwarden serve --config FILE` over stdio, with an rmcp client attached.
pub async fn stdio(config: &Path, extra_args: &[&str]) -> Client {
    let config = config.to_path_buf();
    let args: Vec<String> = extra_args.iter().map(|s| s.to_string()).collect();
    let transport =
        TokioChildProcess::new(tokio::process::Command::new(super::bin()).configure(|c| {
            c.arg("serve")
                .arg("--config")
                .arg(&config)
                .args(&args)
                .env("RUST_LOG", "warn");
        }))
        .expect("spawn sqlwarden");
    ().serve(transport).await.expect("initialize over stdio")
}

/// `command` launched as Node.js launches a server (libuv gives a child one end of a Unix socket
/// pair as stdin and stdout, not pipes), with an rmcp client on the other end.
pub async fn on_socket_pair(
    command: &mut tokio::process::Command,
) -> (tokio::process::Child, Client) {
    let (ours, theirs) = std::os::unix::net::UnixStream::pair().expect("socketpair");
    let stdout = theirs.try_clone().expect("dup");
    let child = command
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .stdout(Stdio::from(std::os::fd::OwnedFd::from(stdout)))
        .spawn()
        .expect("spawn sqlwarden");
    ours.set_nonblocking(true).expect("nonblocking");
    let halves = tokio::net::UnixStream::from_std(ours)
        .expect("ours")
        .into_split();
    let client = tokio::time::timeout(Duration::from_secs(30), ().serve(halves))
        .await
        .expect("initialized in time")
        .expect("initialize over a socket pair");
    (child, client)
}

/// A server process that is killed when dropped.
pub struct HttpServer {
    pub url: String,
    pub base: String,
    child: Child,
}

impl HttpServer {
    /// The server's process id (for /proc figures).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL the server (no shutdown, no flush) and reap it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sqlwarden serve --http` on a free port; waits on /readyz.
pub async fn http_server(config: &Path) -> HttpServer {
    let port = super::free_port();
    let child = Command::new(super::bin())
        .arg("serve")
        .arg("--config")
        .arg(config)
        .arg("--http")
        .arg(format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn sqlwarden --http");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    HttpServer {
        url: format!("{base}/mcp"),
        base,
        child,
    }
}

pub async fn http_client(url: &str) -> Client {
    ().serve(StreamableHttpClientTransport::from_uri(url.to_string()))
        .await
        .expect("initialize over HTTP")
}

pub async fn call(client: &Client, tool: &str, args: serde_json::Value) -> CallToolResult {
    try_call(client, tool, args)
        .await
        .expect("tools/call succeeds at the protocol level")
}

/// An rmcp client over Streamable HTTP that keeps its connection between requests. rmcp's
/// default HTTP client opens a new connection for every request (`pool_max_idle_per_host(0)`);
/// the clients most users run (the TypeScript SDK over fetch, the Python SDK over httpx) keep
/// theirs, and so does this one.
pub async fn http_client_keep_alive(url: &str) -> Client {
    let http = reqwest::Client::builder().build().expect("an HTTP client");
    let config =
        rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig::with_uri(
            url.to_string(),
        );
    ().serve(StreamableHttpClientTransport::with_client(http, config))
        .await
        .expect("initialize over HTTP")
}

/// `tools/call` that may fail at the protocol level (unknown tool, arguments refused).
pub async fn try_call(
    client: &Client,
    tool: &str,
    args: serde_json::Value,
) -> Result<CallToolResult, rmcp::ServiceError> {
    let args = match args {
        serde_json::Value::Object(m) => m,
        _ => object!({}),
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
}

/// What a refused call said: the result's text, or the protocol error's message.
pub fn said(r: &Result<CallToolResult, rmcp::ServiceError>) -> String {
    match r {
        Ok(r) => text(r),
        Err(e) => e.to_string(),
    }
}

pub fn text(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The stable error code of an error result.
pub fn error_code(r: &CallToolResult) -> Option<String> {
    if r.is_error != Some(true) {
        return None;
    }
    r.structured_content
        .as_ref()?
        .get("error")?
        .get("code")?
        .as_str()
        .map(str::to_string)
}

/// Asserts an error result with this stable code whose text says `says`.
#[track_caller]
pub fn assert_refused(r: &CallToolResult, code: &str, says: &str) {
    assert_eq!(error_code(r).as_deref(), Some(code), "{}", text(r));
    assert!(text(r).contains(says), "expected {says:?} in: {}", text(r));
}

/// The first sample in the server's `/metrics` whose line starts with `prefix` (a metric
/// name, with `{` to take one with labels).
pub async fn metric(base: &str, prefix: &str) -> f64 {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{prefix}: {text}"))
}

/// POST a bare `tools/list` with an optional bearer token: the HTTP status and the
/// `WWW-Authenticate` header (for authentication tests that must see the raw refusal).
pub async fn auth_status(url: &str, token: Option<&str>) -> (u16, Option<String>) {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let r = req.send().await.expect("request");
    let challenge = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (r.status().as_u16(), challenge)
}

//! Abuse control through the real binary over HTTP: a role's rate limit and concurrency cap
//! answer `rate_limited` with `retry_after_ms`; a database that goes away opens its circuit
//! breaker (calls answered `unavailable` at once) and a probe closes it when it is back.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::mcp::{HttpServer, assert_refused, call, error_code, http_client, http_server, text};
use serde_json::json;
use tokio::task::JoinHandle;

fn write_policy(dir: &Path, name: &str, limits: &str) {
    let text = format!("role = \"{name}\"\n[limits]\n{limits}\n[tables.\"*\"]\n");
    std::fs::write(dir.join(format!("{name}.toml")), text).expect("write policy");
}

fn config(dir: &Path, url: &str, role: &str) -> std::path::PathBuf {
    common::mcp::config_file(
        dir,
        url,
        &format!(
            "[policies]\ndir = \"{}\"\n[server]\nrole = \"{role}\"\n",
            dir.join("policies").display()
        ),
    )
}

fn retry_after_ms(r: &rmcp::model::CallToolResult) -> Option<u64> {
    r.structured_content.as_ref()?["error"]["retry_after_ms"].as_u64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roles_rate_limit_answers_rate_limited_per_principal() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("policies")).expect("mkdir");
    write_policy(
        &dir.path().join("policies"),
        "limited",
        "rate_per_minute = 3",
    );
    let url = common::sqlite_url(&common::sqlite_demo());
    let server = http_server(&config(dir.path(), &url, "limited")).await;
    let client = http_client(&server.url).await;
    for i in 0..3 {
        let r = call(
            &client,
            "query",
            json!({"sql": "SELECT count(*) AS n FROM orders"}),
        )
        .await;
        assert_eq!(error_code(&r), None, "call {i}: {}", text(&r));
    }
    let refused = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) AS n FROM orders"}),
    )
    .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("rate_limited"),
        "{}",
        text(&refused)
    );
    let wait = retry_after_ms(&refused).expect("retry_after_ms");
    assert!(wait > 0 && wait <= 60_000, "retry after {wait} ms");
    assert!(
        text(&refused).contains("3 calls per minute"),
        "{}",
        text(&refused)
    );
    // Schema browsing counts too, and the server keeps serving after refusing.
    let listed = call(&client, "list_tables", json!({})).await;
    assert_eq!(error_code(&listed).as_deref(), Some("rate_limited"));
    assert!(
        server_alive(&server).await,
        "the server keeps serving after refusals"
    );
}

async fn server_alive(server: &HttpServer) -> bool {
    reqwest::get(format!("{}/healthz", server.base))
        .await
        .is_ok_and(|r| r.status().is_success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roles_concurrency_cap_refuses_the_call_over_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("policies")).expect("mkdir");
    write_policy(
        &dir.path().join("policies"),
        "single",
        "concurrency = 1\nstatement_timeout = \"6s\"",
    );
    let url = common::sqlite_url(&common::sqlite_demo());
    let server = http_server(&config(dir.path(), &url, "single")).await;
    let slow_client = http_client(&server.url).await;
    let slow = tokio::spawn(async move {
        let r = call(
            &slow_client,
            "query",
            json!({"sql": "SELECT count(*) FROM order_lines a, order_lines b, order_lines c"}),
        )
        .await;
        error_code(&r)
    });
    // While the slow call holds the role's one slot, another call is refused (polled: the
    // slow call may take a moment to start on a busy machine).
    let client = http_client(&server.url).await;
    let mut refused = None;
    for _ in 0..40 {
        let r = call(&client, "query", json!({"sql": "SELECT 1 AS one"})).await;
        if error_code(&r).as_deref() == Some("rate_limited") {
            refused = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refused = refused.expect("a call over the concurrency cap is refused");
    assert!(text(&refused).contains("concurrency"), "{}", text(&refused));
    assert_eq!(
        slow.await.expect("slow call").as_deref(),
        Some("timeout"),
        "the first call ran until its statement timeout"
    );
    // The slot is free again once the first call has ended.
    let after = call(&client, "query", json!({"sql": "SELECT 1 AS one"})).await;
    assert_eq!(error_code(&after), None, "{}", text(&after));
}

/// A TCP forwarder to the test cluster that can be taken down (connections cut, port closed)
/// and brought back on the same port: the database going away and coming back.
struct Forwarder {
    port: u16,
    target: u16,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Forwarder {
    async fn up(&self) {
        let listener = loop {
            match tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let (target, tasks) = (self.target, self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let conn = tokio::spawn(async move {
                    if let Ok(mut outbound) =
                        tokio::net::TcpStream::connect(("127.0.0.1", target)).await
                    {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                if let Ok(mut t) = tasks.lock() {
                    t.push(conn);
                }
            }
        });
        if let Ok(mut t) = self.tasks.lock() {
            t.push(accept);
        }
    }

    fn down(&self) {
        if let Ok(mut t) = self.tasks.lock() {
            for task in t.drain(..) {
                task.abort();
            }
        }
    }
}

/// The pool's sessions in `/metrics`.
async fn pool_sessions(base: &str) -> f64 {
    common::mcp::metric(base, "sqlwarden_pool_connections{").await
}

/// A session that received a row of megabytes is not returned to the pool: the driver keeps
/// its read buffer at the largest message (an 800 MB cell left 300 MB held by a pooled
/// session, a red-team finding). Small results keep their session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_received_a_huge_row_leaves_the_pool() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = common::mcp::config_file(dir.path(), &cluster.url(&name), "");
    let server = http_server(&config).await;
    let client = http_client(&server.url).await;
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert_eq!(pool_sessions(&server.base).await, 1.0);
    let huge = "SELECT string_agg(md5(g::text) || md5(g::text), '') AS s FROM generate_series(1, 100000) g";
    let r = call(&client, "query", json!({ "sql": huge })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert_eq!(
        r.structured_content.clone().expect("structured")["truncated"],
        json!(true)
    );
    assert_eq!(pool_sessions(&server.base).await, 0.0);
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert_eq!(pool_sessions(&server.base).await, 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_breaker_opens_while_the_database_is_down_and_closes_when_it_is_back() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let forwarder = Forwarder {
        port: common::free_port(),
        target: cluster.port,
        tasks: Arc::new(Mutex::new(Vec::new())),
    };
    forwarder.up().await;
    let url = cluster.url(&name).replace(
        &format!(":{}/", cluster.port),
        &format!(":{}/", forwarder.port),
    );
    assert!(url.contains(&forwarder.port.to_string()), "{url}");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = common::mcp::config_file(dir.path(), &url, "");
    let server = http_server(&config).await;
    let client = http_client(&server.url).await;
    let ok = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&ok), None, "{}", text(&ok));

    forwarder.down();
    let mut codes = Vec::new();
    for _ in 0..3 {
        let r = call(
            &client,
            "query",
            json!({"sql": "SELECT count(*) FROM orders"}),
        )
        .await;
        codes.push(error_code(&r));
    }
    assert!(
        codes.iter().all(|c| c.as_deref() == Some("unavailable")),
        "{codes:?}"
    );
    let open = call(&client, "query", json!({"sql": "SELECT 1"})).await;
    assert_eq!(error_code(&open).as_deref(), Some("unavailable"));
    assert!(
        text(&open).contains("repeated connection failures"),
        "the open breaker answers at once: {}",
        text(&open)
    );

    forwarder.up().await;
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let r = call(
            &client,
            "query",
            json!({"sql": "SELECT count(*) FROM orders"}),
        )
        .await;
        if error_code(&r).is_none() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the breaker never closed: {}",
            text(&r)
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    forwarder.down();
}

/// The sqlx worker threads of the server's SQLite connections now.
fn sqlite_workers(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|tasks| {
            tasks
                .filter_map(|t| t.ok())
                .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
                .filter(|name| name.starts_with("sqlx-sqlite"))
                .count()
        })
        .unwrap_or(0)
}

/// One SQLite function call cannot be interrupted (here a naive search of a 4.8 MB string for
/// a 59 KB one that is not in it, tens of seconds). A call that times out on it keeps its
/// connection checked out until the statement ends, so however many calls time out, no more
/// such statements run at once than the pool has connections (before: each timed-out call
/// dropped its connection, whose thread kept running, and the next call opened another).
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_that_outlive_their_timeout_never_outnumber_the_pool() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("policies")).expect("mkdir");
    write_policy(
        &dir.path().join("policies"),
        "hasty",
        "statement_timeout = \"200ms\"\nconcurrency = 16",
    );
    let url = common::sqlite_url(&common::sqlite_demo());
    let path = config(dir.path(), &url, "hasty");
    let mut toml = std::fs::read_to_string(&path).expect("config");
    toml.push_str("max_connections = 2\n");
    std::fs::write(&path, toml).expect("config");
    let server = http_server(&path).await;
    let client = Arc::new(http_client(&server.url).await);
    let warm = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&warm), None, "{}", text(&warm));
    let before = sqlite_workers(server.pid());

    let grow = |n: u32| {
        let mut s = "'aaaaaaaaa'".to_string();
        for _ in 1..n {
            s = format!("replace({s}, 'a', 'aaaaaaaaa')");
        }
        s
    };
    let sql = format!("SELECT instr({}, {} || 'b') AS at", grow(7), grow(5));
    let calls: Vec<JoinHandle<()>> = (0..5)
        .map(|_| {
            let (client, sql) = (client.clone(), sql.clone());
            tokio::spawn(async move {
                let _ = call(&client, "query", json!({ "sql": sql })).await;
            })
        })
        .collect();
    // Past the first timeouts (200 ms + the 2 s grace): their connections would have been
    // replaced, and the waiting calls would have started their statements on new ones.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let during = sqlite_workers(server.pid());
    for c in &calls {
        c.abort();
    }
    assert!(
        during <= before + 2,
        "{during} SQLite connection threads with a pool of 2 ({before} before the calls)"
    );
}

/// A client that sends a request's headers a few bytes at a time, never finishing them
/// (slowloris), is disconnected after the header timeout, without credentials ever being
/// checked; the server keeps answering others meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (_dir, server, addr) = plain_server().await;
    let mut slow = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    slow.write_all(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .expect("write");
    let started = Instant::now();
    // Trickle a header byte every second; the server must hang up within its 10 s limit.
    let mut closed = false;
    let mut buf = [0u8; 256];
    while started.elapsed() < Duration::from_secs(20) {
        let _ = slow.write_all(b"X").await;
        match tokio::time::timeout(Duration::from_secs(1), slow.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(n)) => {
                let reply = String::from_utf8_lossy(&buf[..n]).to_string();
                assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
                closed = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(closed, "still open after {:?}", started.elapsed());
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "closed after {:?}",
        started.elapsed()
    );
    // Others were served all along.
    still_serves(&server).await;
}

/// A query from a fresh client is answered.
async fn still_serves(server: &common::mcp::HttpServer) {
    let client = http_client(&server.url).await;
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
}

/// A server with a role of no limits, and its `host:port`.
async fn plain_server() -> (tempfile::TempDir, common::mcp::HttpServer, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("policies")).expect("mkdir");
    write_policy(&dir.path().join("policies"), "plain", "");
    let url = common::sqlite_url(&common::sqlite_demo());
    let server = http_server(&config(dir.path(), &url, "plain")).await;
    let addr = server
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    (dir, server, addr)
}

/// A server like [`plain_server`] whose SQLite database also has `documents`: a 16 MiB text
/// (id 1) and a 20 MiB one (id 2).
async fn documents_server() -> (tempfile::TempDir, common::mcp::HttpServer) {
    documents_server_with("").await
}

/// [`documents_server`] with `limits` in its role's `[limits]`.
async fn documents_server_with(limits: &str) -> (tempfile::TempDir, common::mcp::HttpServer) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("policies")).expect("mkdir");
    write_policy(&dir.path().join("policies"), "plain", limits);
    let db = dir.path().join("documents.db");
    std::fs::copy(common::sqlite_demo(), &db).expect("copy the demo");
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch("CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT)")
        .expect("create");
    for (id, mib) in [(1, 16), (2, 20)] {
        conn.execute(
            "INSERT INTO documents VALUES (?1, ?2)",
            rusqlite::params![id, "x".repeat(mib << 20)],
        )
        .expect("insert");
    }
    drop(conn);
    let url = common::sqlite_url(&db);
    let server = http_server(&config(dir.path(), &url, "plain")).await;
    (dir, server)
}

/// SQLite runs in the server's process, so what it holds at once is bounded (512 MiB for all
/// its connections): 60 columns of a 16 MiB string built from literals made 2 GB and aborted
/// the server (red-team finding). Governance now refuses building that much from literals;
/// copies of a large stored value can still add up, and they are SQLite's "out of memory"
/// while the server goes on. A row far over the byte budget is not decoded; text that is not
/// UTF-8 is not NULL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_memory_is_bounded_and_wide_rows_are_not_decoded() {
    let (_dir, server) = documents_server().await;
    let client = http_client(&server.url).await;
    let big = format!(
        "{}'x'{}",
        "replace(".repeat(8),
        ", 'x', 'xxxxxxxx')".repeat(8)
    );
    let columns: Vec<String> = (0..60).map(|i| format!("s || '{i}'")).collect();
    let wide = format!(
        "WITH t(s) AS (SELECT {big}) SELECT {} FROM t",
        columns.join(", ")
    );
    let r = call(&client, "query", json!({ "sql": wide })).await;
    assert_refused(&r, "policy_denied", "too large for the database's memory");
    let columns: Vec<String> = (0..60).map(|i| format!("body || '{i}'")).collect();
    let wide = format!("SELECT {} FROM documents WHERE id = 1", columns.join(", "));
    let r = call(&client, "query", json!({ "sql": wide })).await;
    assert_refused(&r, "database_error", "out of memory");
    let rss_mb = common::process::status_mib(server.pid(), "VmHWM");
    assert!(
        rss_mb.is_some_and(|mb| mb < 1500),
        "peak RSS {rss_mb:?} MiB"
    );
    // Fourteen 20 MB columns fit SQLite's heap, but copying them ran out of memory in the
    // driver, whose worker thread panicked; the pool kept handing out the dead connection and
    // every later call failed. It is dropped now: the next calls work.
    let fourteen: Vec<String> = (0..14).map(|i| format!("body || '{i}' AS c{i}")).collect();
    let r = call(
        &client,
        "query",
        json!({ "sql": format!("SELECT {} FROM documents WHERE id = 2", fourteen.join(", ")) }),
    )
    .await;
    assert!(error_code(&r).is_some(), "{}", text(&r));
    for _ in 0..10 {
        let r = call(
            &client,
            "query",
            json!({ "sql": "SELECT count(*) FROM customers" }),
        )
        .await;
        assert_eq!(error_code(&r), None, "{}", text(&r));
    }
    let three = "SELECT length(body), body || '1', body || '2' FROM documents WHERE id = 1";
    let r = call(&client, "query", json!({ "sql": three })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let content = r.structured_content.clone().expect("structured");
    assert_eq!(content["rows"], json!([]), "{}", text(&r));
    assert_eq!(content["truncated"], json!(true), "{}", text(&r));
    let r = call(
        &client,
        "query",
        json!({ "sql": "SELECT CAST(X'FF41' AS TEXT) AS t, name FROM customers ORDER BY id LIMIT 1" }),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let content = r.structured_content.clone().expect("structured");
    assert_eq!(content["rows"][0][0], json!("\u{fffd}A"), "{}", text(&r));
}

/// A client that sends whole headers, declares a body and never sends it (from thousands of
/// connections, every connection the server takes) is answered 408 and disconnected within
/// the body timeout; the server goes on serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_sends_its_body_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (_dir, server, addr) = plain_server().await;
    let mut slow = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    slow.write_all(
        b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
          Accept: application/json, text/event-stream\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"",
    )
    .await
    .expect("write");
    let started = Instant::now();
    let mut buf = [0u8; 512];
    let reply = tokio::time::timeout(Duration::from_secs(20), slow.read(&mut buf))
        .await
        .unwrap_or_else(|_| panic!("still open after {:?}", started.elapsed()))
        .expect("read");
    let reply = String::from_utf8_lossy(&buf[..reply]).to_string();
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "answered after {:?}",
        started.elapsed()
    );
    // And hung up.
    assert!(
        closed_within(&mut slow, Duration::from_secs(5)).await,
        "the connection stayed open"
    );
    still_serves(&server).await;
}

/// A connection that sends nothing (HTTP/1, or HTTP/2 after its preface) is closed once idle;
/// one address holds at most 256 connections, so idle sockets from one client cannot take the
/// server's whole bound of 4,096 and lock everyone out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_closed_and_one_address_holds_a_bounded_share() {
    let (_dir, server, addr) = plain_server().await;
    let started = Instant::now();
    let mut silent = Vec::new();
    for _ in 0..256 {
        silent.push(
            tokio::net::TcpStream::connect(&addr)
                .await
                .expect("connect"),
        );
    }
    // The 257th from this address (an HTTP/2 one) is closed at once, unanswered.
    let mut h2 = h2_without_streams(&addr).await;
    assert!(
        closed_within(&mut h2, Duration::from_secs(5)).await,
        "a connection over the address's share was kept"
    );
    // Every silent one is closed once idle (10 s), and the server serves again.
    for (i, s) in silent.iter_mut().enumerate() {
        assert!(
            closed_within(s, Duration::from_secs(20)).await,
            "silent connection {i} still open after {:?}",
            started.elapsed()
        );
    }
    assert!(
        started.elapsed() >= Duration::from_secs(9),
        "closed before it was idle: {:?}",
        started.elapsed()
    );
    // An HTTP/2 connection that opens no stream is closed too.
    let mut h2 = h2_without_streams(&addr).await;
    let quiet_since = Instant::now();
    assert!(
        closed_within(&mut h2, Duration::from_secs(20)).await,
        "an idle HTTP/2 connection stayed open"
    );
    assert!(quiet_since.elapsed() >= Duration::from_secs(9));
    still_serves(&server).await;
}

/// HTTP/2 with prior knowledge: the preface and an empty SETTINGS frame, then nothing.
async fn h2_without_streams(addr: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut h2 = tokio::net::TcpStream::connect(addr).await.expect("connect");
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .expect("preface");
    h2
}

/// Whether the server closes `stream` within `limit` (whatever it sends first).
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 512];
    tokio::time::timeout(limit, async {
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await
    .is_ok()
}

/// A statement takes at most 65,535 parameters (PostgreSQL's own bound): a call with more is
/// refused with a message saying so, before any of them is looked at, and the server serves on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_parameters_are_refused_plainly() {
    let (_dir, server, _) = plain_server().await;
    let client = http_client(&server.url).await;
    let params = vec![json!(0); 70_000];
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT 1", "params": params}),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("at most 65535"), "{}", text(&r));
    still_serves(&server).await;
}

/// SQLite runs one function call or one LIKE to its end whatever the statement timeout: a
/// search costs the two lengths multiplied, so needles and patterns are kept short. A LIKE or
/// GLOB pattern over 100 characters is SQLite's error; an `instr`/`replace` needle built by
/// the statement over 1,000 characters finds nothing (NULL) at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_searches_cannot_outlast_the_timeout() {
    let (_dir, server, _) = plain_server().await;
    let client = http_client(&server.url).await;
    // A literal pattern is refused saying why; a built one is SQLite's own error.
    let pattern = format!("%{}%", "a".repeat(99));
    let r = call(
        &client,
        "query",
        json!({"sql": format!("SELECT count(*) FROM customers WHERE name LIKE '{pattern}'")}),
    )
    .await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("policy_denied"),
        "{}",
        text(&r)
    );
    assert!(text(&r).contains("at most 100 characters"), "{}", text(&r));
    let built = format!(
        "SELECT count(*) FROM customers WHERE name LIKE '%' || '{}' || '%'",
        "a".repeat(99)
    );
    let r = call(&client, "query", json!({ "sql": built })).await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("database_error"),
        "{}",
        text(&r)
    );
    assert!(text(&r).contains("pattern too complex"), "{}", text(&r));
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM customers WHERE name LIKE '%an%'"}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    // A needle of a million characters, built from a short literal.
    // (Six levels, ten million characters, are now refused for what the row would build.)
    let big = "replace(replace(replace(replace(replace('aaaaaaaaaa','a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa')";
    let started = Instant::now();
    let r = call(
        &client,
        "query",
        json!({"sql": format!("SELECT instr({big} || {big} || {big}, {big} || 'b') AS i, instr(name, substr(name, 2, 3)) AS j FROM customers ORDER BY id LIMIT 1")}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let rows = r.structured_content.as_ref().expect("rows")["rows"].clone();
    assert_eq!(rows, json!([[null, 2]]));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The same needle of NUL bytes: SQLite's length() of text stops at the first NUL, instr
    // does not, so the guard counts bytes.
    let started = Instant::now();
    let r = call(
        &client,
        "query",
        json!({"sql": format!("WITH s(z) AS (SELECT replace({big}, 'a', char(0))) SELECT instr(z || z || z, z || 'y') AS i, length(z) AS chars, length(CAST(z AS BLOB)) AS bytes FROM s")}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let rows = r.structured_content.as_ref().expect("rows")["rows"].clone();
    assert_eq!(rows, json!([[null, 0, 1_000_000]]));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // A JSON path of 10,000 steps, built in 171 bytes: json_set created a level per step and
    // SQLite's recursion overflowed a worker's stack (the server aborted); the path is
    // guarded like a needle, so the document comes back unchanged.
    let path = "'$' || replace(replace(replace(replace(replace('b','b','bbbbbbbbbb'),'b','bbbbbbbbbb'),'b','bbbbbbbbbb'),'b','bbbbbbbbbb'),'b','.a')";
    let r = call(
        &client,
        "query",
        json!({"sql": format!("SELECT length(json_set('{{}}', {path}, 1)) AS n")}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let rows = r.structured_content.as_ref().expect("rows")["rows"].clone();
    assert_eq!(rows, json!([[2]]));
    // A blob literal needle is bounded like a text one.
    let hex = format!("SELECT instr({big}, X'{}') AS i", "61".repeat(1_001));
    let r = call(&client, "query", json!({ "sql": hex })).await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("policy_denied"),
        "{}",
        text(&r)
    );
    still_serves(&server).await;
}

/// A reply held unread over HTTP/2 (the stream's window kept at zero, so the socket never
/// blocks) while the client pings to look busy closes its connection: such replies were held
/// whole for as long as the client liked (400 of them, 256 MB, in a red-team run).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_held_unread_over_http2_closes_the_connection() {
    let (_dir, server, addr) = plain_server().await;
    let tcp = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let (client, mut connection) = h2::client::Builder::new()
        .initial_window_size(0)
        .handshake::<_, bytes::Bytes>(tcp)
        .await
        .expect("HTTP/2 handshake");
    let mut ping = connection.ping_pong().expect("ping handle");
    let driven = tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut client = client.ready().await.expect("ready");
    let request = h2_post(&addr);
    let (response, mut body) = client.send_request(request, false).expect("send");
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "query", "arguments": {"sql": "SELECT * FROM order_lines"}}});
    body.send_data(bytes::Bytes::from(call.to_string()), true)
        .expect("body");
    let response = response.await.expect("response");
    assert_eq!(response.status(), 200);
    // The reply's body is never taken; a ping every second says the client is there.
    let started = Instant::now();
    while !driven.is_finished() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "still open after {:?}",
            started.elapsed()
        );
        let _ = tokio::time::timeout(Duration::from_secs(1), ping.ping(h2::Ping::opaque())).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    still_serves(&server).await;
}

/// While one connection holds more replies unread than it may (16 MiB), its next request is
/// answered 503 before any work, and that refusal has its audit record like every other HTTP
/// refusal. Replies of 7 MB each (twice that on the wire: text and structured content) are
/// held at an HTTP/2 window of zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_unread_replies_is_refused_503_and_recorded() {
    let (dir, server) = documents_server_with("max_result_bytes = 33554432").await;
    let addr = server
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let tcp = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let (client, connection) = h2::client::Builder::new()
        .initial_window_size(0)
        .handshake::<_, bytes::Bytes>(tcp)
        .await
        .expect("HTTP/2 handshake");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut statuses = Vec::new();
    let mut held = Vec::new();
    for id in 1..=4 {
        let mut ready = client.clone().ready().await.expect("ready");
        let request = h2_post(&addr);
        let (response, mut body) = ready.send_request(request, false).expect("send");
        let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": "query", "arguments": {
                "sql": "SELECT substr(body, 1, 7000000) AS b FROM documents WHERE id = 1"}}});
        body.send_data(bytes::Bytes::from(call.to_string()), true)
            .expect("body");
        let response = response.await.expect("response");
        statuses.push(response.status().as_u16());
        held.push(response);
    }
    assert_eq!(
        statuses,
        [200, 200, 503, 503],
        "the third reply's request found 28 MB unread"
    );
    let records = common::mcp::audit_records(&dir.path().join("sqlwarden.toml"));
    let refused: Vec<_> = records
        .iter()
        .filter(|r| r["http_status"] == 503)
        .map(|r| (r["code"].as_str(), r["decision"].as_str()))
        .collect();
    assert_eq!(
        refused,
        [(Some("unavailable"), Some("deny")); 2],
        "{records:#?}"
    );
    let answered = records.iter().filter(|r| r["tool"] == "query").count();
    assert_eq!(answered, 2, "{records:#?}");
    drop(held);
}

/// The headers of a POST to `/mcp` on `addr` over HTTP/2 (the body is sent on the stream).
fn h2_post(addr: &str) -> axum::http::Request<()> {
    axum::http::Request::builder()
        .method("POST")
        .uri(format!("http://{addr}/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
        .body(())
        .expect("request")
}

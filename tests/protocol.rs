//! Protocol tests: the real binary over stdio and Streamable HTTP, driven by rmcp's client.
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use common::mcp::{call, config_file, error_code, http_client, http_server, stdio, text};
use serde_json::json;

#[tokio::test]
async fn stdio_sqlite_tools_rows_and_denials() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    std::fs::copy(common::sqlite_demo(), &db).expect("copy demo");
    let config = config_file(
        dir.path(),
        &common::sqlite_url(&db),
        "[limits]\nmax_rows = 50",
    );
    let client = stdio(&config, &[]).await;

    let tools = client.list_all_tools().await.expect("tools/list");
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort();
    assert_eq!(
        names,
        ["describe_table", "explain_query", "list_tables", "query"]
    );
    for t in &tools {
        let ann = t.annotations.as_ref().expect("annotations");
        assert_eq!(ann.read_only_hint, Some(true), "{} is read-only", t.name);
        assert!(t.output_schema.is_some(), "{} has an output schema", t.name);
    }
    // Context is scarce: the whole tools/list stays small (~4 chars per token), and no schema
    // uses a type array (some clients reject them).
    let listing = serde_json::to_string(&tools).expect("serialize");
    assert!(!listing.contains("\"type\":["), "{listing}");
    assert!(
        listing.len() <= 2400,
        "tools/list is {} bytes",
        listing.len()
    );

    let r = call(&client, "query", json!({"sql": "SELECT region, count(*) AS n FROM customers GROUP BY region ORDER BY region"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let sc = r.structured_content.as_ref().expect("structured content");
    assert_eq!(sc["row_count"], 4);
    assert_eq!(sc["rows"][0][0], "east");
    assert!(text(&r).contains("<data>\nregion|n\neast|"), "{}", text(&r));

    // Row cap: 500 customers, cap 50 -> truncated.
    let r = call(&client, "query", json!({"sql": "SELECT id FROM customers"})).await;
    let sc = r.structured_content.as_ref().expect("structured");
    assert_eq!(sc["row_count"], 50);
    assert_eq!(sc["truncated"], true);
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT id FROM customers", "max_rows": 3}),
    )
    .await;
    assert_eq!(
        r.structured_content.as_ref().expect("structured")["row_count"],
        3
    );

    // Parameters.
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT name FROM products WHERE id = ?1", "params": [1]}),
    )
    .await;
    assert_eq!(
        r.structured_content.as_ref().expect("structured")["row_count"],
        1,
        "{}",
        text(&r)
    );

    // Denials and parse errors are tool errors with stable codes; data untouched.
    let r = call(&client, "query", json!({"sql": "DELETE FROM customers"})).await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    assert!(text(&r).contains("statement_kind"), "{}", text(&r));
    let r = call(&client, "query", json!({"sql": "SELEC 1"})).await;
    assert_eq!(error_code(&r).as_deref(), Some("parse_error"));
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT * FROM sqlite_master"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT nosuchcolumn FROM json_each('[1]')"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("database_error"));
    assert!(
        !text(&r).contains(&db.display().to_string()),
        "no file paths in errors: {}",
        text(&r)
    );
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM customers"}),
    )
    .await;
    assert_eq!(
        r.structured_content.as_ref().expect("structured")["rows"][0][0],
        500
    );

    // Schema browsing.
    let r = call(&client, "list_tables", json!({})).await;
    let names: Vec<String> = r.structured_content.as_ref().expect("structured")["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "customers",
            "employees",
            "monthly_sales",
            "order_lines",
            "orders",
            "products"
        ]
    );
    let r = call(&client, "describe_table", json!({"table": "orders"})).await;
    let d = r.structured_content.as_ref().expect("structured");
    assert_eq!(d["primary_key"], json!(["id"]));
    assert!(
        d["foreign_keys"]
            .as_array()
            .expect("fks")
            .iter()
            .any(|f| f["references_table"] == "main.customers")
    );
    let r = call(&client, "describe_table", json!({"table": "sqlite_master"})).await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    let r = call(
        &client,
        "explain_query",
        json!({"sql": "SELECT * FROM orders WHERE customer_id = 3"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert!(text(&r).to_lowercase().contains("orders"), "{}", text(&r));

    // Wrong argument types are protocol errors, and the server keeps serving.
    let bad = client
        .call_tool(
            rmcp::model::CallToolRequestParams::new("query")
                .with_arguments(rmcp::object!({"sql": 42})),
        )
        .await;
    match bad {
        Err(_) => {}
        Ok(r) => assert_eq!(r.is_error, Some(true), "sql must be a string: {}", text(&r)),
    }
    let unknown = client
        .call_tool(rmcp::model::CallToolRequestParams::new("drop_everything"))
        .await;
    assert!(unknown.is_err(), "unknown tools are refused");
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT 1 AS still_serving"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false));
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_postgres_rows_errors_and_timeout() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(
        dir.path(),
        &cluster.url(&name),
        "[limits]\nstatement_timeout = \"500ms\"",
    );
    let server = http_server(&config).await;
    let client = http_client(&server.url).await;

    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT status, count(*) FROM orders GROUP BY status ORDER BY 2 DESC"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let sc = r.structured_content.as_ref().expect("structured");
    assert_eq!(sc["rows"][0], json!(["delivered", 3584]));
    assert_eq!(sc["columns"][1]["type"], "int8");

    let r = call(&client, "query", json!({"sql": "SELECT 1/0"})).await;
    assert_eq!(error_code(&r).as_deref(), Some("database_error"));
    assert!(text(&r).contains("22012"), "{}", text(&r));

    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT * FROM pg_read_file('/etc/passwd')"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    assert!(!text(&r).contains("root:"));

    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT 1; COMMIT; DROP TABLE customers"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));

    let started = Instant::now();
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM order_lines a, order_lines b, order_lines c"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("timeout"), "{}", text(&r));
    assert!(started.elapsed() < Duration::from_secs(5));

    let r = call(
        &client,
        "describe_table",
        json!({"table": "public.customers"}),
    )
    .await;
    let d = r.structured_content.as_ref().expect("structured");
    assert!(
        d["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .any(|c| c["name"] == "email" && c["comment"].is_string())
    );
    assert!(d["indexes"].as_array().expect("indexes").len() >= 2);

    let r = call(
        &client,
        "explain_query",
        json!({"sql": "SELECT * FROM orders WHERE id = 5"}),
    )
    .await;
    assert!(text(&r).contains("Index Scan"), "{}", text(&r));
    let r = call(
        &client,
        "explain_query",
        json!({"sql": "EXPLAIN ANALYZE SELECT 1"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));

    // Customers untouched.
    let count = cluster.query_text(&name, "SELECT count(*)::text FROM customers");
    assert_eq!(count, ["500"]);
    client.cancel().await.expect("close");

    // The newest protocol revision (stateless, server/discover) works too.
    use rmcp::ClientServiceExt;
    let modern = ()
        .serve_with_lifecycle(
            rmcp::transport::StreamableHttpClientTransport::from_uri(server.url.clone()),
            rmcp::ClientLifecycleMode::Discover {
                preferred_versions: vec![rmcp::model::ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .expect("discover");
    let r = modern
        .call_tool(
            rmcp::model::CallToolRequestParams::new("query")
                .with_arguments(rmcp::object!({"sql": "SELECT 2 AS two"})),
        )
        .await
        .expect("call");
    assert_eq!(
        r.structured_content.as_ref().expect("structured")["rows"][0][0],
        2
    );
    modern.cancel().await.expect("close");

    // Host header validation (DNS rebinding) and malformed JSON-RPC.
    let http = reqwest::Client::new();
    let resp = http
        .post(&server.url)
        .header("host", "evil.example.com")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 403);
    let resp = http
        .post(&server.url)
        .header("origin", "https://evil.example.com")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(
        resp.status(),
        403,
        "a foreign web page may not call the server"
    );
    let resp = http
        .post(&server.url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert!(
        resp.status().is_client_error(),
        "malformed JSON is a client error, got {}",
        resp.status()
    );
    let health = http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("healthz");
    assert!(health.status().is_success(), "still serving");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_call_leaves_nothing_running() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(
        dir.path(),
        &cluster.url(&name),
        "[limits]\nstatement_timeout = \"60s\"",
    );
    let client = stdio(&config, &[]).await;
    let slow = json!({"sql": "SELECT count(*) FROM order_lines a, order_lines b, order_lines c"});
    let abandoned =
        tokio::time::timeout(Duration::from_millis(1500), call(&client, "query", slow)).await;
    assert!(
        abandoned.is_err(),
        "the slow query should still be running when abandoned"
    );
    let running = format!(
        "SELECT count(*)::text FROM pg_stat_activity WHERE datname = '{name}' AND application_name = 'sqlwarden' \
         AND state = 'active' AND query LIKE '%order_lines%'"
    );
    // While the call ran, the query was active in the database...
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = cluster.query_text(&name, &running);
        if n == ["0"] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the backend query is still running after the client cancelled: {n:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // ...and the server still serves.
    let r = call(&client, "query", json!({"sql": "SELECT 1 AS ok"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_down_is_unavailable_and_server_keeps_serving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = common::free_port();
    let config = config_file(
        dir.path(),
        &format!("postgres://nobody:secretpw@127.0.0.1:{port}/nothing"),
        "",
    );
    let client = stdio(&config, &[]).await;
    for _ in 0..2 {
        let r = call(&client, "query", json!({"sql": "SELECT 1"})).await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("unavailable"),
            "{}",
            text(&r)
        );
        assert!(
            !text(&r).contains("secretpw") && !text(&r).contains(&port.to_string()),
            "{}",
            text(&r)
        );
    }
    client.cancel().await.expect("close");
}

/// Sessions the pool hands out without a liveness round trip (used moments ago) can still have
/// been ended by the server: the call runs once more on a fresh session instead of failing,
/// and the lost sessions are never handed out again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_by_the_server_is_replaced_without_failing_the_call() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(dir.path(), &cluster.url(&name), "");
    let client = stdio(&config, &[]).await;
    // Several sessions in the pool, each vouched for by a statement that just completed.
    let heavy = json!({"sql": "SELECT count(*) AS n FROM order_lines a JOIN order_lines b ON a.product_id = b.product_id"});
    let warm =
        futures_util::future::join_all((0..4).map(|_| call(&client, "query", heavy.clone()))).await;
    for r in &warm {
        assert_eq!(r.is_error, Some(false), "{}", text(r));
    }
    // End every session of the server, from outside, right after those calls.
    // (pg_terminate_backend in the select list: it runs only on the rows the WHERE kept.)
    let ended: Vec<String> = cluster
        .query_text(
            &name,
            &format!(
                "SELECT pid::text || ' ' || pg_terminate_backend(pid)::text FROM pg_stat_activity \
                 WHERE datname = '{name}' AND application_name = 'sqlwarden'"
            ),
        )
        .iter()
        .filter_map(|row| row.strip_suffix(" true").map(str::to_string))
        .collect();
    assert!(
        ended.len() >= 2,
        "several pooled sessions were ended: {ended:?}"
    );
    for i in 2..6 {
        let r = call(&client, "query", json!({"sql": format!("SELECT {i} AS n")})).await;
        assert_eq!(r.is_error, Some(false), "call {i}: {}", text(&r));
        assert_eq!(
            r.structured_content.as_ref().expect("structured")["rows"][0][0],
            json!(i),
            "{}",
            text(&r)
        );
    }
    let sessions = cluster.query_text(
        &name,
        &format!(
            "SELECT pid::text FROM pg_stat_activity \
             WHERE datname = '{name}' AND application_name = 'sqlwarden'"
        ),
    );
    assert!(
        !sessions.is_empty() && sessions.iter().all(|pid| !ended.contains(pid)),
        "the calls ran on new sessions {sessions:?}, none of the ended {ended:?}"
    );
    client.cancel().await.expect("close");
}

/// `sqlwarden_pool_session_checks_total` for database `main`, from `/metrics`.
async fn session_checks(base: &str) -> u64 {
    let text = common::process::body(&format!("{base}/metrics")).await;
    text.lines()
        .find(|l| l.starts_with("sqlwarden_pool_session_checks_total{database=\"main\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no session checks in /metrics:\n{text}"))
}

/// A session is handed out without a ping when it just answered, with rows or with an error
/// (a SQLSTATE proves it alive and in step), and pinged when it sat unused for over a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_just_answered_is_not_pinged_and_an_idle_one_is() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_file(dir.path(), &cluster.url(&name), "");
    // One session, so every call takes the same one (the last table is the database's).
    let mut toml = std::fs::read_to_string(&config).expect("read config");
    toml.push_str("max_connections = 1\n");
    std::fs::write(&config, toml).expect("write config");
    let server = http_server(&config).await;
    let client = http_client(&server.url).await;

    let r = call(&client, "query", json!({"sql": "SELECT 1 AS n"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let before = session_checks(&server.base).await;
    let r = call(&client, "query", json!({"sql": "SELECT 1/0 AS n"})).await;
    assert_eq!(r.is_error, Some(true), "{}", text(&r));
    assert!(text(&r).contains("division by zero"), "{}", text(&r));
    let r = call(&client, "query", json!({"sql": "SELECT 2 AS n"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert_eq!(
        session_checks(&server.base).await,
        before,
        "after a completed statement and after an error the session was taken without a ping"
    );

    tokio::time::sleep(Duration::from_millis(1300)).await;
    let r = call(&client, "query", json!({"sql": "SELECT 3 AS n"})).await;
    assert_eq!(
        r.structured_content.as_ref().expect("structured")["rows"][0][0],
        json!(3),
        "{}",
        text(&r)
    );
    assert_eq!(
        session_checks(&server.base).await,
        before + 1,
        "a session unused for over a second is checked"
    );
    client.cancel().await.expect("close");
}

fn policies_dir() -> String {
    format!("{}/policies", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyst_over_http_sees_only_its_region_and_visible_columns() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = format!(
        "[policies]\ndir = \"{}\"\n[server]\nrole = \"analyst\"\nattrs = {{ region = \"north\" }}\n",
        policies_dir()
    );
    let config = config_file(dir.path(), &cluster.url(&name), &extra);
    let server = http_server(&config).await;
    let client = http_client(&server.url).await;

    let r = call(&client, "list_tables", json!({})).await;
    let tables = r.structured_content.as_ref().expect("structured")["tables"]
        .as_array()
        .expect("tables")
        .clone();
    let names: Vec<&str> = tables.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(
        names,
        ["customers", "order_lines", "orders", "products"],
        "employees and monthly_sales are hidden"
    );
    let customers = tables
        .iter()
        .find(|t| t["name"] == "customers")
        .expect("customers");
    assert!(
        customers["estimated_rows"].is_null(),
        "a filtered table's total row count is not shown"
    );

    let r = call(&client, "describe_table", json!({"table": "customers"})).await;
    let cols: Vec<String> = r.structured_content.as_ref().expect("structured")["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        cols,
        ["id", "name", "region", "city", "segment", "created_at"]
    );
    let indexes = serde_json::to_string(&r.structured_content).expect("json");
    assert!(
        !indexes.contains("email") && !indexes.contains("national_id"),
        "no index reveals a hidden column: {indexes}"
    );
    let r = call(&client, "describe_table", json!({"table": "employees"})).await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));

    let r = call(&client, "query", json!({"sql": "SELECT * FROM customers"})).await;
    let sc = r.structured_content.as_ref().expect("structured");
    let col_names: Vec<&str> = sc["columns"]
        .as_array()
        .expect("cols")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        col_names,
        ["id", "name", "region", "city", "segment", "created_at"]
    );
    assert_eq!(sc["row_count"], 150);
    assert!(
        sc["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|row| row[2] == "north")
    );

    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT region, count(*) FROM orders GROUP BY region"}),
    )
    .await;
    let sc = r.structured_content.as_ref().expect("structured");
    assert_eq!(sc["row_count"], 1, "{}", text(&r));
    assert_eq!(sc["rows"][0][0], "north");

    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT name FROM customers WHERE email LIKE 'a%'"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    assert!(
        text(&r).contains("column_hidden") && text(&r).contains("customers.email"),
        "{}",
        text(&r)
    );
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT max(cost) FROM products"}),
    )
    .await;
    assert!(text(&r).contains("column_hidden"), "{}", text(&r));

    // Plans of restricted tables work too (the row filter's parameter is bound), as the plan's
    // shape only: not the row filter, its bound value or row estimates (issue 8).
    let r = call(
        &client,
        "explain_query",
        json!({"sql": "SELECT count(*) FROM orders"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let plan = text(&r);
    assert!(plan.contains("orders"), "{plan}");
    assert!(
        !plan.contains("region") && !plan.contains("rows="),
        "{plan}"
    );

    // Parameters of the caller and the row filter's attribute do not collide.
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders WHERE status = $1", "params": ["delivered"]}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_over_stdio_with_role_and_attr_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    std::fs::copy(common::sqlite_demo(), &db).expect("copy demo");
    let extra = format!("[policies]\ndir = \"{}\"\n", policies_dir());
    let config = config_file(dir.path(), &common::sqlite_url(&db), &extra);
    let client = stdio(&config, &["--role", "support", "--attr", "region=south"]).await;
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT DISTINCT region FROM customers"}),
    )
    .await;
    assert_eq!(
        r.structured_content.as_ref().expect("structured")["rows"],
        json!([["south"]]),
        "{}",
        text(&r)
    );
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT email FROM customers WHERE id = (SELECT min(id) FROM customers)"}),
    )
    .await;
    assert_eq!(
        r.is_error,
        Some(false),
        "support sees contact columns: {}",
        text(&r)
    );
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT national_id FROM customers"}),
    )
    .await;
    assert!(text(&r).contains("column_hidden"), "{}", text(&r));
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_statement_timeout_is_enforced_by_the_database() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).expect("mkdir");
    std::fs::write(
        policies.join("quick.toml"),
        "role = \"quick\"\n[limits]\nstatement_timeout = \"300ms\"\n[tables.\"*\"]\n",
    )
    .expect("write");
    let extra = format!(
        "[limits]\nstatement_timeout = \"30s\"\n[policies]\ndir = \"{}\"\n",
        policies.display()
    );
    let config = config_file(dir.path(), &cluster.url(&name), &extra);
    let client = stdio(&config, &["--role", "quick"]).await;
    let started = Instant::now();
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM order_lines a, order_lines b, order_lines c"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("timeout"), "{}", text(&r));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    client.cancel().await.expect("close");
}

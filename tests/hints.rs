//! What a model is told about the database before and while it writes SQL: the per-principal
//! `instructions`, the dialect in schema results, value hints under the role's row filter, and
//! the dialect hint on errors. The real binary over stdio, SQLite demo and PostgreSQL.
#![allow(clippy::disallowed_methods)]

mod common;

use common::mcp::{Client, call, config_file, error_code, http_client, http_server, stdio, text};
use serde_json::json;

fn policies_dir() -> String {
    format!("{}/policies", env!("CARGO_MANIFEST_DIR"))
}

/// A stdio client over a copy of the SQLite demo, as `role` with `attrs`.
async fn demo_as(dir: &std::path::Path, args: &[&str]) -> Client {
    let db = dir.join("demo.db");
    if !db.exists() {
        std::fs::copy(common::sqlite_demo(), &db).expect("copy demo");
    }
    let extra = format!("[policies]\ndir = \"{}\"\n", policies_dir());
    let config = config_file(dir, &common::sqlite_url(&db), &extra);
    stdio(&config, args).await
}

/// The SQLite library's version changes with sqlx, not with us.
fn redact_sqlite_version(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("SQLite 3.") {
        out.push_str(&rest[..i]);
        out.push_str("SQLite 3.x");
        rest = rest[i + "SQLite 3.".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

fn instructions(client: &Client) -> String {
    client
        .peer_info()
        .and_then(|i| i.instructions.clone())
        .unwrap_or_default()
}

const DEMO_ROLES: [(&str, &[&str]); 3] = [
    ("analyst", &["--role", "analyst", "--attr", "region=north"]),
    ("support", &["--role", "support", "--attr", "region=east"]),
    ("readonly_admin", &["--role", "readonly_admin"]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instructions_per_demo_role_name_dialect_and_limits() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (role, args) in DEMO_ROLES {
        let client = demo_as(dir.path(), args).await;
        let told = redact_sqlite_version(&instructions(&client));
        assert!(told.len() < 600, "instructions stay short: {told}");
        insta::assert_snapshot!(format!("{role}_instructions"), told);
        client.cancel().await.expect("close");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_texts_per_demo_role_start_with_the_dialect() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (role, args) in DEMO_ROLES {
        let client = demo_as(dir.path(), args).await;
        let text_of = |r: &rmcp::model::CallToolResult| redact_sqlite_version(&text(r));
        let r = call(&client, "list_tables", json!({})).await;
        assert_eq!(r.is_error, Some(false), "{}", text(&r));
        let sc = r.structured_content.as_ref().expect("structured");
        assert_eq!(sc["database"], "main");
        assert_eq!(sc["dialect"], "sqlite");
        insta::assert_snapshot!(format!("{role}_list_tables"), text_of(&r));
        let r = call(&client, "describe_table", json!({"table": "orders"})).await;
        assert_eq!(r.is_error, Some(false), "{}", text(&r));
        let sc = r.structured_content.as_ref().expect("structured");
        assert_eq!(sc["database"], "main");
        assert_eq!(sc["dialect"], "sqlite");
        insta::assert_snapshot!(format!("{role}_describe_orders"), text_of(&r));
        client.cancel().await.expect("close");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_list_does_not_grow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = demo_as(dir.path(), &["--role", "analyst", "--attr", "region=north"]).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let listing = serde_json::to_string_pretty(&tools).expect("serialize");
    insta::assert_snapshot!("tools_list", listing);
    client.cancel().await.expect("close");
}

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
    // The four core tools (the demo's templates are listed too, and tested in templates.rs).
    let mut tools = client.list_all_tools().await.expect("tools/list");
    tools.retain(|t| {
        ["describe_table", "explain_query", "list_tables", "query"].contains(&t.name.as_ref())
    });
    let listing = serde_json::to_string_pretty(&tools).expect("serialize");
    insta::assert_snapshot!("tools_list", listing);
    client.cancel().await.expect("close");
}

fn column_values(r: &rmcp::model::CallToolResult, column: &str) -> Option<serde_json::Value> {
    r.structured_content.as_ref()?["columns"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == column)
        .and_then(|c| c.get("values").cloned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn value_hints_follow_the_row_filter_and_the_opt_outs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).expect("mkdir");
    std::fs::write(
        policies.join("narrow.toml"),
        "role = \"narrow\"\n\
         [tables.orders]\nrow_filter = \"region = attr('region')\"\nno_value_hints = [\"status\"]\n\
         [tables.customers]\nrow_filter = \"region = attr('region')\"\nvalue_hints = false\n\
         [tables.products]\ndeny_columns = [\"category\"]\n",
    )
    .expect("write");
    let db = dir.path().join("demo.db");
    std::fs::copy(common::sqlite_demo(), &db).expect("copy demo");
    let extra = format!("[policies]\ndir = \"{}\"\n", policies.display());
    let config = config_file(dir.path(), &common::sqlite_url(&db), &extra);
    let client = stdio(&config, &["--role", "narrow", "--attr", "region=west"]).await;
    let r = call(&client, "describe_table", json!({"table": "orders"})).await;
    assert_eq!(
        column_values(&r, "region"),
        Some(json!(["west"])),
        "{}",
        text(&r)
    );
    assert_eq!(column_values(&r, "status"), None, "opted out: {}", text(&r));
    assert!(!text(&r).contains("\"north\""), "{}", text(&r));
    let r = call(&client, "describe_table", json!({"table": "customers"})).await;
    assert!(
        !text(&r).contains("values:"),
        "table opted out: {}",
        text(&r)
    );
    // A hidden column shows no values; a visible text column with many values shows none.
    let r = call(&client, "describe_table", json!({"table": "products"})).await;
    assert_eq!(column_values(&r, "category"), None);
    assert_eq!(
        column_values(&r, "name"),
        None,
        "120 names are not a category"
    );
    assert!(!text(&r).contains("category"), "{}", text(&r));
    // Cached: the same answer again.
    let r2 = call(&client, "describe_table", json!({"table": "products"})).await;
    assert_eq!(text(&r), text(&r2));
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_dialect_hints_on_postgres_habits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = demo_as(dir.path(), &["--role", "analyst", "--attr", "region=north"]).await;
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT date_trunc('month', ordered_at), count(*) FROM orders GROUP BY 1"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    assert!(
        text(&r).contains("this is SQLite") && text(&r).contains("strftime('%Y-%m', ts)"),
        "{}",
        text(&r)
    );
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders WHERE status ILIKE 'deliv%'"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("database_error"));
    let t = text(&r);
    assert!(
        t.contains("near \"ILIKE\": syntax error"),
        "the database's message stays: {t}"
    );
    assert!(
        t.contains("\nhint: this is SQLite") && t.contains("lower("),
        "{t}"
    );
    // No hint for a mistake that is not about the dialect (a column that does not exist is
    // answered as a hidden one).
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT nosuch FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    assert!(!text(&r).contains("hint:"), "{}", text(&r));
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_instructions_hints_and_values_for_the_analyst() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = format!(
        "[policies]\ndir = \"{}\"\n[server]\nrole = \"analyst\"\nattrs = {{ region = \"south\" }}\n",
        policies_dir()
    );
    let config = config_file(dir.path(), &cluster.url(&name), &extra);
    let server = http_server(&config).await;
    let client = http_client(&server.url).await;
    let told = instructions(&client);
    assert!(
        told.contains("Database main: PostgreSQL ")
            && told.contains("schema public; dates: date_trunc('month', ts)")
            && told.contains("Role analyst: at most 500 rows per query, statement timeout 5s"),
        "{told}"
    );
    assert!(!told.contains("employees"), "{told}");

    let r = call(&client, "list_tables", json!({})).await;
    assert!(
        text(&r).starts_with("database main: PostgreSQL "),
        "{}",
        text(&r)
    );
    assert_eq!(
        r.structured_content.as_ref().expect("structured")["dialect"],
        "postgres"
    );

    let r = call(&client, "describe_table", json!({"table": "orders"})).await;
    assert_eq!(
        column_values(&r, "region"),
        Some(json!(["south"])),
        "{}",
        text(&r)
    );
    let status = column_values(&r, "status").expect("status values");
    assert!(
        status
            .as_array()
            .is_some_and(|v| v.iter().any(|s| s == "delivered")),
        "{status}"
    );

    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT strftime('%Y-%m', ordered_at) FROM orders"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("policy_denied"));
    assert!(
        text(&r).contains("this is PostgreSQL") && text(&r).contains("to_char"),
        "{}",
        text(&r)
    );
    let r = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders WHERE id = 'x'::text"}),
    )
    .await;
    assert_eq!(error_code(&r).as_deref(), Some("database_error"));
    let t = text(&r);
    assert!(t.contains("operator does not exist: integer = text"), "{t}");
    assert!(
        t.contains("\nhint: this is PostgreSQL") && t.contains("cast"),
        "{t}"
    );
    client.cancel().await.expect("close");
}

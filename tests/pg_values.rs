//! Values as PostgreSQL means them (issue 8), on a real cluster through the real binary: string
//! parameters compared with date, timestamp and numeric columns work as the same literal would in
//! psql, under the analyst's row filter.
#![allow(clippy::disallowed_methods)]

mod common;

use common::mcp::{Client, call, config_file, error_code, stdio, text};
use serde_json::{Value, json};

/// A stdio session as a north analyst on a fresh copy of the demo database.
async fn analyst(dir: &std::path::Path) -> (Client, String) {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let extra = format!(
        "[policies]\ndir = \"{}/policies\"\n",
        env!("CARGO_MANIFEST_DIR")
    );
    let config = config_file(dir, &cluster.url(&name), &extra);
    let client = stdio(&config, &["--role", "analyst", "--attr", "region=north"]).await;
    (client, name)
}

fn rows(r: &rmcp::model::CallToolResult) -> Vec<Value> {
    r.structured_content
        .as_ref()
        .and_then(|s| s["rows"].as_array().cloned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn string_parameters_compare_with_dates_timestamps_and_numerics_like_literals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, db) = analyst(dir.path()).await;
    let cluster = common::pg::cluster();
    for (sql, params, literal) in [
        (
            "SELECT count(*) FROM orders WHERE ordered_at >= $1",
            json!(["2025-01-01"]),
            "SELECT count(*) FROM orders WHERE ordered_at >= '2025-01-01' AND region = 'north'",
        ),
        (
            "SELECT count(*) FROM orders WHERE ordered_at::date BETWEEN $1 AND $2",
            json!(["2024-06-01", "2025-06-30"]),
            "SELECT count(*) FROM orders WHERE ordered_at::date BETWEEN '2024-06-01' AND '2025-06-30' AND region = 'north'",
        ),
        (
            "SELECT count(*) FROM order_lines WHERE unit_price > $1 AND order_id IN (SELECT id FROM orders WHERE date_trunc('month', ordered_at) = $2)",
            json!(["100.50", "2025-03-01 00:00:00"]),
            "SELECT count(*) FROM order_lines WHERE unit_price > '100.50' AND order_id IN (SELECT id FROM orders WHERE date_trunc('month', ordered_at) = '2025-03-01 00:00:00' AND region = 'north')",
        ),
        (
            // A text column keeps its text parameter; the number is bound as a number.
            "SELECT count(*) FROM orders WHERE status = $1 AND id > $2",
            json!(["shipped", 3]),
            "SELECT count(*) FROM orders WHERE status = 'shipped' AND id > 3 AND region = 'north'",
        ),
    ] {
        let r = call(&client, "query", json!({"sql": sql, "params": params})).await;
        assert_eq!(error_code(&r), None, "{sql}: {}", text(&r));
        let expected = cluster.query_text(&db, &format!("SELECT ({literal})::text"));
        let expected: i64 = expected[0].parse().expect("a count");
        assert!(expected > 0, "{literal} should match some rows");
        assert_eq!(rows(&r), vec![json!([expected])], "{sql}");
    }
    // A value that is not a date is the database's error, as with the literal.
    let bad = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders WHERE ordered_at >= $1", "params": ["not a date"]}),
    )
    .await;
    assert_eq!(
        error_code(&bad).as_deref(),
        Some("database_error"),
        "{}",
        text(&bad)
    );
    assert!(text(&bad).contains("22007"), "{}", text(&bad));
    client.cancel().await.expect("close");
}

//! `explain_query` (and EXPLAIN through `query`) shows a role no more than it may query (issue
//! 8), on real PostgreSQL: a partitioned table whose partitions are not granted, a row filter
//! reading a table the role is not granted, a hidden column with an index of its own.
#![allow(clippy::disallowed_methods)]

mod common;

use common::mcp::{Client, call, config_file, error_code, stdio, text};
use serde_json::json;

const SETUP: &str = "
CREATE TABLE events (id int, region text, note text, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024_secretclient PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025_secretclient PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX events_note_idx ON events (note);
CREATE TABLE acl_hidden (who text, region text);
INSERT INTO acl_hidden VALUES ('ann', 'north');
INSERT INTO events SELECT g, CASE WHEN g % 2 = 0 THEN 'north' ELSE 'south' END, 'note ' || g,
  DATE '2024-01-01' + g FROM generate_series(1, 600) g;
ANALYZE;
";

const POLICIES: &[(&str, &str)] = &[
    (
        "watcher.toml",
        r#"role = "watcher"
[tables.events]
deny_columns = ["note"]
row_filter = "region IN (SELECT region FROM acl_hidden WHERE who = attr('who'))"
"#,
    ),
    (
        "auditor.toml",
        r#"role = "auditor"
[tables.events]
"#,
    ),
];

async fn session(dir: &std::path::Path, role: &str) -> Client {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    cluster.execute(&name, SETUP);
    let policies = dir.join(format!("policies-{role}"));
    std::fs::create_dir_all(&policies).expect("mkdir");
    for (file, text) in POLICIES {
        std::fs::write(policies.join(file), text).expect("policy");
    }
    let extra = format!("[policies]\ndir = \"{}\"\n", policies.display());
    let config = config_file(dir, &cluster.url(&name), &extra);
    stdio(&config, &["--role", role, "--attr", "who=ann"]).await
}

const SECRETS: &[&str] = &[
    "secretclient",
    "acl_hidden",
    "note",
    "north",
    "ann",
    "rows=",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restricted_role_sees_only_the_plan_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = session(dir.path(), "watcher").await;
    for sql in [
        "SELECT count(*) FROM events WHERE at >= '2025-03-01'",
        "SELECT id, region FROM events WHERE id = 42",
        "SELECT region, count(*) FROM events GROUP BY region",
    ] {
        let r = call(&client, "explain_query", json!({"sql": sql})).await;
        assert_eq!(error_code(&r), None, "{sql}: {}", text(&r));
        let plan = text(&r);
        assert!(plan.contains("Scan"), "{sql}: {plan}");
        for secret in SECRETS {
            assert!(!plan.contains(secret), "{sql}: {secret} in\n{plan}");
        }
        // The same through `query`.
        let q = call(&client, "query", json!({"sql": format!("EXPLAIN {sql}")})).await;
        assert_eq!(error_code(&q), None, "{}", text(&q));
        for secret in SECRETS {
            assert!(!text(&q).contains(secret), "{secret} in\n{}", text(&q));
        }
    }
    for sql in [
        "EXPLAIN VERBOSE SELECT id FROM events",
        "EXPLAIN (FORMAT JSON) SELECT id FROM events",
        "EXPLAIN (SETTINGS) SELECT id FROM events",
        "EXPLAIN (BUFFERS) SELECT id FROM events WHERE id = 1",
    ] {
        let r = call(&client, "explain_query", json!({"sql": sql})).await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("policy_denied"),
            "{sql}: {}",
            text(&r)
        );
        assert!(text(&r).contains("plain EXPLAIN"), "{}", text(&r));
    }
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unrestricted_role_keeps_costs_but_not_ungranted_partition_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = session(dir.path(), "auditor").await;
    let r = call(
        &client,
        "explain_query",
        json!({"sql": "SELECT count(*) FROM events WHERE at >= '2024-03-01'"}),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let plan = text(&r);
    assert!(plan.contains("rows=") && plan.contains("events_"), "{plan}");
    assert!(!plan.contains("secretclient"), "{plan}");
    // A JSON or YAML plan is one cell the line-by-line redaction does not read, and VERBOSE
    // lists ungranted relations' columns: refused for this role too.
    for sql in [
        "EXPLAIN (FORMAT JSON) SELECT count(*) FROM events",
        "EXPLAIN (FORMAT YAML) SELECT count(*) FROM events",
        "EXPLAIN VERBOSE SELECT count(*) FROM events",
        "EXPLAIN (VERBOSE) SELECT count(*) FROM events",
        // ANALYZE's other spelling runs the statement as well; SETTINGS prints configuration.
        "EXPLAIN (ANALYSE) SELECT count(*) FROM events",
        "EXPLAIN (analyse on, BUFFERS) SELECT count(*) FROM events",
        "EXPLAIN (SETTINGS) SELECT count(*) FROM events",
    ] {
        let r = call(&client, "query", json!({ "sql": sql })).await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("policy_denied"),
            "{sql}: {}",
            text(&r)
        );
        assert!(!text(&r).contains("secretclient"), "{}", text(&r));
        assert!(!text(&r).contains("actual time"), "{}", text(&r));
        assert!(!text(&r).contains("Execution Time"), "{}", text(&r));
    }
    client.cancel().await.expect("close");
}

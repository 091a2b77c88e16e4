//! The result cache against real PostgreSQL, over HTTP with token principals: entries are never
//! shared across what governance distinguishes (regions of one role, roles, parameters, a
//! catalog change), expire with their role's TTL, are off for a role without one, never hold
//! errors, are marked cached in results and in the audit trail, and still count against rate
//! limits.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

use common::mcp::{Client, HttpServer, call, error_code, http_server, text};

const POLICIES: &[(&str, &str)] = &[
    (
        "cached.toml",
        "role = \"cached\"\n[limits]\ncache_ttl = \"10m\"\n\
         [tables.orders]\nrow_filter = \"region = attr('region')\"\n",
    ),
    (
        "fresh.toml",
        "role = \"fresh\"\n[tables.orders]\nrow_filter = \"region = attr('region')\"\n",
    ),
    (
        "brief.toml",
        "role = \"brief\"\n[limits]\ncache_ttl = \"1s\"\n\
         [tables.orders]\nrow_filter = \"region = attr('region')\"\n",
    ),
    (
        "limited.toml",
        "role = \"limited\"\n[limits]\ncache_ttl = \"10m\"\nrate_per_minute = 3\n\
         [tables.orders]\nrow_filter = \"region = attr('region')\"\n",
    ),
];

fn cli(config: &Path, args: &[&str]) -> String {
    let out = Command::new(common::bin())
        .args(args)
        .arg("--config")
        .arg(config)
        .env_remove("SQLWARDEN_CONFIG")
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn token(config: &Path, role: &str, region: &str) -> String {
    let out = cli(
        config,
        &[
            "token",
            "create",
            "--role",
            role,
            "--principal",
            &format!("{role}-{region}"),
            "--attr",
            &format!("region={region}"),
            "--json",
        ],
    );
    let v: Value = serde_json::from_str(&out).expect("json");
    v["token"].as_str().expect("token").to_string()
}

async fn client(server: &HttpServer, token: &str) -> Client {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(server.url.clone())
            .auth_header(token.to_string()),
    );
    ().serve(transport).await.expect("initialize with a token")
}

/// Run `sql`: (served from the cache, the rows).
async fn query(client: &Client, sql: &str, params: Value) -> (bool, Value) {
    let r = call(client, "query", json!({"sql": sql, "params": params})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let s = r.structured_content.clone().expect("structured content");
    let cached = s["cached"].as_bool().expect("cached flag");
    assert_eq!(
        cached,
        text(&r).contains("cached, read"),
        "the text says what the flag says: {}",
        text(&r)
    );
    (cached, s["rows"].clone())
}

fn count(pg: &common::pg::Cluster, db: &str, region: &str) -> Value {
    let n: i64 = pg.query_text(
        db,
        &format!("SELECT count(*)::text FROM orders WHERE region = '{region}'"),
    )[0]
    .parse()
    .expect("count");
    json!([[n]])
}

const COUNT: &str = "SELECT count(*) AS n FROM orders";

/// A fresh copy of the demo database, the test roles' policy files, and a server with token
/// authentication over them.
struct Setup {
    db: String,
    _dir: tempfile::TempDir,
    policies: std::path::PathBuf,
    config: std::path::PathBuf,
    server: HttpServer,
}

async fn setup(pg: &common::pg::Cluster) -> Setup {
    let db = pg.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(&policies).expect("dir");
    for (file, text) in POLICIES {
        std::fs::write(policies.join(file), text).expect("policy");
    }
    let config = common::mcp::config_file(
        dir.path(),
        &pg.url(&db),
        &format!(
            "[server]\nauth = \"token\"\n[policies]\ndir = \"{}\"\n",
            policies.display()
        ),
    );
    let server = http_server(&config).await;
    Setup {
        db,
        _dir: dir,
        policies,
        config,
        server,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_results_are_never_shared_across_what_governance_distinguishes() {
    let pg = common::pg::cluster();
    let Setup {
        db,
        _dir,
        policies,
        config,
        server,
    } = setup(pg).await;
    let north = client(&server, &token(&config, "cached", "north")).await;
    let south = client(&server, &token(&config, "cached", "south")).await;
    let fresh = client(&server, &token(&config, "fresh", "north")).await;

    // A miss, then a hit with the same rows.
    let first = query(&north, COUNT, json!([])).await;
    assert_eq!(first, (false, count(pg, &db, "north")));
    assert_eq!(
        query(&north, COUNT, json!([])).await,
        (true, first.1.clone())
    );

    // The same SQL for another region of the same role: its own entry, its own rows.
    let other = query(&south, COUNT, json!([])).await;
    assert_eq!(other, (false, count(pg, &db, "south")));
    assert_ne!(other.1, first.1, "the regions have different counts");

    // Another role with the same row filter and attributes: not cached at all (no cache_ttl).
    assert!(!query(&fresh, COUNT, json!([])).await.0);
    assert!(!query(&fresh, COUNT, json!([])).await.0);

    // New data: the cached role keeps its entry for its TTL, the uncached one sees it at once.
    pg.execute(
        &db,
        "INSERT INTO orders (customer_id, employee_id, status, region) \
         SELECT customer_id, employee_id, status, region FROM orders WHERE region = 'north' LIMIT 1",
    );
    assert_eq!(
        query(&north, COUNT, json!([])).await,
        (true, first.1.clone())
    );
    assert_eq!(
        query(&fresh, COUNT, json!([])).await,
        (false, count(pg, &db, "north"))
    );

    // Each parameter value is its own entry.
    let by_id = "SELECT count(*) AS n FROM orders WHERE id > $1";
    let low = query(&north, by_id, json!([0])).await;
    let high = query(&north, by_id, json!([1000000])).await;
    assert!(!low.0 && !high.0);
    assert_eq!(high.1, json!([[0]]));
    assert_eq!(query(&north, by_id, json!([0])).await, (true, low.1));

    // Errors are not cached: this divides by zero until one more north order exists.
    let n = count(pg, &db, "north")[0][0].as_i64().expect("n");
    let divide = format!("SELECT 1 / (count(*) - {n}) AS x FROM orders");
    let r = call(&north, "query", json!({"sql": divide})).await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("database_error"),
        "{}",
        text(&r)
    );
    pg.execute(
        &db,
        "INSERT INTO orders (customer_id, employee_id, status, region) \
         SELECT customer_id, employee_id, status, region FROM orders WHERE region = 'north' LIMIT 1",
    );
    assert_eq!(
        query(&north, &divide, json!([])).await,
        (false, json!([[1]]))
    );

    // A catalog change (read again by list_tables) makes every old entry unreachable.
    pg.execute(&db, "ALTER TABLE orders ADD COLUMN note text");
    call(&north, "list_tables", json!({})).await;
    assert_eq!(
        query(&north, COUNT, json!([])).await,
        (false, count(pg, &db, "north"))
    );

    // Cache hits are in the audit trail as cached.
    let export = cli(&config, &["audit", "export", "--format", "jsonl"]);
    let cached: Vec<Value> = export
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["principal"] == "cached-north" && r["cached"] == true)
        .collect();
    assert_eq!(cached.len(), 3, "three hits of cached-north: {export}");
    assert!(cached.iter().all(|r| r["decision"] == "allow"));

    // A policy reload (SIGHUP) makes every old entry unreachable: the narrower filter shows at
    // once, not after the 10 minute TTL.
    assert!(
        query(&north, COUNT, json!([])).await.0,
        "cached before the reload"
    );
    std::fs::write(
        policies.join("cached.toml"),
        POLICIES[0].1.replace(
            "region = attr('region')",
            "region = attr('region') AND status = 'delivered'",
        ),
    )
    .expect("policy");
    let delivered: i64 = pg.query_text(
        &db,
        "SELECT count(*)::text FROM orders WHERE region = 'north' AND status = 'delivered'",
    )[0]
    .parse()
    .expect("count");
    let status = Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (cached, rows) = query(&north, COUNT, json!([])).await;
        if rows == json!([[delivered]]) {
            assert!(
                !cached,
                "the first result under the new policy is read afresh"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the reloaded policy never showed: still {rows} (cached: {cached})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_expire_with_the_role_ttl_and_hits_count_against_rate_limits() {
    let pg = common::pg::cluster();
    let Setup {
        _dir,
        config,
        server,
        ..
    } = setup(pg).await;

    let brief = client(&server, &token(&config, "brief", "north")).await;
    assert!(!query(&brief, COUNT, json!([])).await.0);
    assert!(query(&brief, COUNT, json!([])).await.0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !query(&brief, COUNT, json!([])).await.0,
        "expired after 1 s"
    );

    let limited = client(&server, &token(&config, "limited", "north")).await;
    for _ in 0..3 {
        query(&limited, COUNT, json!([])).await;
    }
    let r = call(&limited, "query", json!({"sql": COUNT})).await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("rate_limited"),
        "a cached result still costs a call: {}",
        text(&r)
    );
}

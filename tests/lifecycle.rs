//! Shutdown under load, against real PostgreSQL: on SIGTERM `/readyz` turns 503 while calls are
//! still served (the drain delay), then the listener closes, running calls get the shutdown
//! deadline, a query still running after it is cancelled in the database, the audit trail is
//! written, and the process exits 0. No call that got a reply lacks its record, and no query
//! is left running in PostgreSQL.
#![allow(clippy::disallowed_methods)]

mod common;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Value, json};

use common::mcp::try_call;
use common::process::{Process, status};

/// Runs far longer than the drain delay and deadline on any machine (500^4 rows; the cube,
/// 500^3, ended within them on a fast one, and the server then rightly exited sooner).
const SLOW: &str = "SELECT count(*) AS n FROM customers a, customers b, customers c, customers d";

fn cli(config: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(common::bin())
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("SQLWARDEN_AUDIT_KEY")
        .env_remove("SQLWARDEN_STORE_URL")
        .output()
        .expect("run sqlwarden");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Backends of sqlwarden in `db` running a statement now.
fn running(pg: &common::pg::Cluster, db: &str) -> Vec<String> {
    pg.query_text(
        "postgres",
        &format!(
            "SELECT query FROM pg_stat_activity WHERE datname = '{db}' \
             AND application_name = 'sqlwarden' AND state = 'active'"
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_loses_no_replied_call_and_leaves_no_query_running() {
    let pg = common::pg::cluster();
    let db = pg.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = common::mcp::config_file(
        dir.path(),
        &pg.url(&db),
        "[server]\ndrain_delay = \"1s\"\nshutdown_timeout = \"2s\"\n[limits]\nstatement_timeout = \"120s\"\n",
    );
    let port = common::free_port();
    let mut cmd = Command::new(common::bin());
    cmd.arg("serve")
        .arg("--config")
        .arg(&cfg)
        .arg("--http")
        .arg(format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info");
    let mut server = Process::start(cmd, port, dir.path().join("stderr.log")).await;

    // Load: workers calling as fast as they can; one statement that runs for a long time.
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for worker in 0..4 {
        let url = server.url.clone();
        let stop = stop.clone();
        workers.push(tokio::spawn(async move {
            let mut replied = Vec::new();
            let Ok(client) = ().serve(StreamableHttpClientTransport::from_uri(url)).await else {
                return replied;
            };
            for i in 0..100_000 {
                if stop.load(Ordering::SeqCst) {
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
    let slow = {
        let url = server.url.clone();
        tokio::spawn(async move {
            let client = ().serve(StreamableHttpClientTransport::from_uri(url)).await.ok()?;
            try_call(&client, "query", json!({"sql": SLOW})).await.ok()
        })
    };
    let seen = Instant::now();
    while running(pg, &db).iter().all(|q| !q.contains("customers")) {
        assert!(
            seen.elapsed() < Duration::from_secs(10),
            "the slow query started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    let signalled = Instant::now();
    server.terminate();
    // Unready first, while the listener still answers.
    let mut unready = false;
    while signalled.elapsed() < Duration::from_millis(900) {
        if status(&format!("{}/readyz", server.base)).await == 503 {
            unready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(unready, "/readyz answered 503 during the drain delay");
    let exit = server.wait_exit(Duration::from_secs(30)).await;
    let took = signalled.elapsed();
    // Right away: nothing of ours still runs in PostgreSQL.
    let left = running(pg, &db);
    stop.store(true, Ordering::SeqCst);
    assert!(
        exit.success(),
        "exit 0 after SIGTERM: {exit}\n{}",
        server.log()
    );
    assert!(left.is_empty(), "queries left running: {left:?}");
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(12),
        "drain delay + deadline, then the slow call was cancelled ({took:?})"
    );
    let log = server.log();
    assert!(log.contains("shutdown deadline passed"), "{log}");

    let slow_reply = slow.await.expect("slow task");
    assert!(
        slow_reply.as_ref().is_none_or(|r| r.is_error == Some(true)),
        "the cancelled call got no rows: {slow_reply:?}"
    );
    let mut replied = Vec::new();
    for w in workers {
        replied.extend(w.await.expect("worker"));
    }
    assert!(replied.len() > 20, "the load ran ({} calls)", replied.len());

    // Every replied call has exactly one record; the slow one is recorded as cancelled.
    let (ok, out) = cli(&cfg, &["audit", "export", "--format", "jsonl"]);
    assert!(ok, "{out}");
    let records: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let mut count = std::collections::HashMap::new();
    for r in &records {
        if let Some(sql) = r["sql"].as_str() {
            *count.entry(sql.to_string()).or_insert(0) += 1;
        }
    }
    for sql in &replied {
        assert_eq!(count.get(sql), Some(&1), "{sql} has exactly one record");
    }
    let slow_record: Vec<&Value> = records.iter().filter(|r| r["sql"] == SLOW).collect();
    assert_eq!(slow_record.len(), 1, "the slow call is recorded once");
    assert_eq!(slow_record[0]["code"], "cancelled", "{:?}", slow_record[0]);
    let (ok, out) = cli(&cfg, &["audit", "verify"]);
    assert!(ok && out.contains("audit trail verified"), "{out}");
}

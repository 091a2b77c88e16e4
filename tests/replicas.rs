//! Two `serve --http` replicas sharing one PostgreSQL governance store behave as one service:
//! a token issued once works on both; revoked, it is refused by both within the documented
//! bound (the verification cache TTL, 10 s); concurrent calls on both write one audit chain
//! that `audit verify` accepts, with exactly one record per replied call; rate limits are per
//! replica (each enforces the role's budget on its own).
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

use common::mcp::{auth_status, call, error_code, try_call};
use common::process::Process;

/// The documented bound for a revocation to reach every replica (auth::token::CACHE_TTL).
const REVOCATION_BOUND: Duration = Duration::from_secs(10);

fn cli(config: &Path, args: &[&str]) -> (bool, String) {
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

fn token(config: &Path, role: &str, principal: &str) -> (String, String) {
    let (ok, out) = cli(
        config,
        &[
            "token",
            "create",
            "--role",
            role,
            "--principal",
            principal,
            "--attr",
            "region=north",
            "--json",
        ],
    );
    assert!(ok, "{out}");
    let v: Value = serde_json::from_str(out.trim()).expect("token json");
    (
        v["id"].as_str().expect("id").to_string(),
        v["token"].as_str().expect("token").to_string(),
    )
}

async fn replica(config: &Path, dir: &Path, name: &str) -> Process {
    let port = common::free_port();
    let mut cmd = Command::new(common::bin());
    cmd.arg("serve")
        .arg("--config")
        .arg(config)
        .arg("--http")
        .arg(format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info");
    Process::start(cmd, port, dir.join(format!("{name}.log"))).await
}

async fn client(url: &str, token: &str) -> Option<common::mcp::Client> {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_string()).auth_header(token),
    );
    ().serve(transport).await.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_tokens_revocations_and_one_audit_chain() {
    let pg = common::pg::cluster();
    let data = pg.fresh_db();
    let store = pg.fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(&policies).expect("policies dir");
    for f in ["analyst.toml", "support.toml", "readonly_admin.toml"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("policies")
            .join(f);
        std::fs::copy(from, policies.join(f)).expect("copy policy");
    }
    std::fs::write(
        policies.join("limited.toml"),
        "role = \"limited\"\n[limits]\nrate_per_minute = 2\n[tables.products]\n",
    )
    .expect("limited policy");
    let cfg = common::mcp::config_file(
        dir.path(),
        &pg.url(&data),
        &format!(
            "[server]\nauth = \"token\"\n[policies]\ndir = \"{}\"\n[store]\nurl = \"{}\"\n",
            policies.display(),
            pg.url(&store)
        ),
    );
    let mut a = replica(&cfg, dir.path(), "a").await;
    let mut b = replica(&cfg, dir.path(), "b").await;

    // One token, issued once, works on both replicas.
    let (id, secret) = token(&cfg, "analyst", "ann");
    for r in [&a, &b] {
        let c = client(&r.url, &secret)
            .await
            .expect("initialize with the token");
        let res = call(
            &c,
            "query",
            json!({"sql": "SELECT count(*) AS n FROM orders"}),
        )
        .await;
        assert_eq!(res.is_error, Some(false), "{res:?}");
    }

    // Rate limits are per replica: each lets the role's 2 calls a minute through.
    let (_, limited) = token(&cfg, "limited", "lim");
    for r in [&a, &b] {
        let c = client(&r.url, &limited).await.expect("initialize");
        let mut codes = Vec::new();
        for _ in 0..3 {
            let res = call(&c, "query", json!({"sql": "SELECT name FROM products"})).await;
            codes.push(error_code(&res));
        }
        assert_eq!(codes, [None, None, Some("rate_limited".to_string())]);
    }

    // Concurrent calls on both replicas: one shared audit chain.
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for (n, url) in [&a.url, &a.url, &a.url, &b.url, &b.url, &b.url]
        .into_iter()
        .enumerate()
    {
        let (url, secret, stop) = (url.clone(), secret.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut replied = Vec::new();
            let Some(c) = client(&url, &secret).await else {
                return replied;
            };
            for i in 0..100_000 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let sql = format!("SELECT {} AS k", n * 1_000_000 + i);
                match try_call(&c, "query", json!({"sql": sql})).await {
                    Ok(r) if r.is_error != Some(true) => replied.push(sql),
                    _ => break,
                }
            }
            replied
        }));
    }
    tokio::time::sleep(Duration::from_millis(2000)).await;
    stop.store(true, Ordering::SeqCst);
    let mut replied = Vec::new();
    for w in workers {
        replied.extend(w.await.expect("worker"));
    }
    assert!(
        replied.len() > 30,
        "the load ran on both ({} calls)",
        replied.len()
    );

    // Revoked once: both replicas refuse it within the bound.
    let (ok, out) = cli(&cfg, &["token", "revoke", &id]);
    assert!(ok, "{out}");
    let revoked = Instant::now();
    let mut refused = [None, None];
    while refused.iter().any(Option::is_none) {
        for (i, r) in [&a, &b].into_iter().enumerate() {
            if refused[i].is_none() && auth_status(&r.url, Some(&secret)).await.0 == 401 {
                refused[i] = Some(revoked.elapsed());
            }
        }
        assert!(
            revoked.elapsed() <= REVOCATION_BOUND + Duration::from_secs(2),
            "a replica still accepts the revoked token after {:?}: {refused:?}",
            revoked.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for r in [&a, &b] {
        assert_eq!(
            auth_status(&r.url, Some(&secret)).await.0,
            401,
            "and stays refused"
        );
    }
    eprintln!("revocation reached both replicas after {refused:?}");

    for r in [&mut a, &mut b] {
        r.terminate();
        let exit = r.wait_exit(Duration::from_secs(20)).await;
        assert!(exit.success(), "{exit}\n{}", r.log());
    }
    let (ok, out) = cli(&cfg, &["audit", "verify"]);
    assert!(ok && out.contains("audit trail verified"), "{out}");
    let (ok, out) = cli(&cfg, &["audit", "export", "--format", "jsonl"]);
    assert!(ok, "{out}");
    let mut count = std::collections::HashMap::new();
    for line in out.lines() {
        let r: Value = serde_json::from_str(line).expect("a JSON line");
        if let Some(sql) = r["sql"].as_str() {
            *count.entry(sql.to_string()).or_insert(0) += 1;
        }
    }
    for sql in &replied {
        assert_eq!(count.get(sql), Some(&1), "{sql} has exactly one record");
    }
}

//! Load generator: N concurrent HTTP sessions calling `query` on the real binary (release
//! build) for a fixed time, once per audit durability: `log` (records to the log only: the
//! baseline without the audit store), `async` and `sync` (the default: each reply waits for its
//! record's commit). The result cache is off, so every call reads the database. Prints calls per
//! second, latency percentiles, each mode's share of the baseline, and the server's CPU time and
//! context switches (all its threads) per call. The server and the load share the machine: run
//! it on a quiet one.
//!
//! The modes take turns for several rounds (each mode's server stays up) and each mode's median
//! round is reported, so a burst of other work on the machine does not land on one mode only.
//!
//! Run: `cargo bench --bench http_load` (`SQLWARDEN_LOAD_SESSIONS`, default 8;
//! `SQLWARDEN_LOAD_SECS`, default 5 per round; `SQLWARDEN_LOAD_ROUNDS`, default 3).
#![allow(clippy::print_stdout)]

#[path = "support/proc.rs"]
mod proc;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The audit writer's thread (SQLite store), as `/proc` names it.
const WRITER_THREAD: &str = "sqlwarden-audit";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start(dir: &Path, db: &Path, durability: &str) -> (Server, String) {
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let store = dir.join(format!("store-{durability}.db"));
    let config = dir.join(format!("{durability}.toml"));
    std::fs::write(
        &config,
        format!(
            "[server]\nauth = \"none\"\nrole = \"analyst\"\nattrs = {{ region = \"north\" }}\n\
             [policies]\ndir = \"{}\"\n[audit]\ndurability = \"{durability}\"\n[cache]\nmax_bytes = 0\n\
             [store]\nurl = \"sqlite://{}\"\n[databases.main]\nurl = \"sqlite://{}\"\n",
            policies.display(),
            store.display(),
            db.display()
        ),
    )
    .expect("config");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_sqlwarden"))
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--http", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn sqlwarden");
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(Instant::now() < deadline, "server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server, format!("{base}/mcp"))
}

/// One session: a keep-alive connection posting `tools/call query` until `stop`.
async fn session(url: String, worker: u64, stop: Arc<AtomicBool>) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut latencies = Vec::new();
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let id = 1 + (worker * 7919 + i) % 1000;
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":{i},"method":"tools/call","params":{{"name":"query","arguments":{{"sql":"SELECT id, status, ordered_at FROM orders WHERE id = {id}"}}}}}}"#
        );
        let t = Instant::now();
        let r = client
            .post(&url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18")
            .body(body)
            .send()
            .await
            .expect("call");
        let text = r.text().await.expect("reply");
        assert!(text.contains("\"isError\":false"), "{text}");
        latencies.push(t.elapsed());
    }
    latencies
}

struct Run {
    calls_per_sec: f64,
    p50: Duration,
    p99: Duration,
    /// Server CPU time and context switches per call.
    cpu_ms: f64,
    switches: f64,
    /// CPU time of the audit writer's thread per call.
    writer_ms: f64,
}

async fn measure(url: &str, server: &proc::Proc, sessions: u64, secs: u64) -> Run {
    // Warm up: pools, catalog, page cache.
    for warm in [true, false] {
        let stop = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = (0..sessions)
            .map(|w| tokio::spawn(session(url.to_string(), w, stop.clone())))
            .collect();
        let started = Instant::now();
        let (cpu, switches) = (server.cpu(), server.switches());
        let writer = server.thread_cpu(WRITER_THREAD);
        tokio::time::sleep(Duration::from_secs(if warm { 1 } else { secs })).await;
        stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("session"));
        }
        if warm {
            continue;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let cpu = server.cpu().saturating_sub(cpu);
        let switches = server.switches().saturating_sub(switches);
        let writer = server.thread_cpu(WRITER_THREAD).saturating_sub(writer);
        all.sort();
        let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
        return Run {
            calls_per_sec: all.len() as f64 / elapsed,
            p50: pct(0.50),
            p99: pct(0.99),
            cpu_ms: cpu.as_secs_f64() * 1000.0 / all.len() as f64,
            switches: switches as f64 / all.len() as f64,
            writer_ms: writer.as_secs_f64() * 1000.0 / all.len() as f64,
        };
    }
    unreachable!("the measured run returns")
}

/// Audit records per store commit over the server's life, from its `/metrics` (group commit's
/// batch size); `None` when it wrote none (`log`).
async fn records_per_commit(mcp_url: &str) -> Option<f64> {
    let url = format!("{}/metrics", mcp_url.trim_end_matches("/mcp"));
    let text = reqwest::get(url).await.ok()?.text().await.ok()?;
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok())
    };
    let records = value("sqlwarden_audit_records_written_total ")?;
    let commits = value("sqlwarden_audit_commit_seconds_count ")?;
    (commits > 0.0).then(|| records / commits)
}

fn main() {
    let sessions = env_or("SQLWARDEN_LOAD_SESSIONS", 8);
    let secs = env_or("SQLWARDEN_LOAD_SECS", 5);
    let rounds = env_or("SQLWARDEN_LOAD_ROUNDS", 3).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("demo.db");
        sqlwarden::db::build_demo_sqlite(&db)
            .await
            .expect("demo database builds");
        println!(
            "http_load: {sessions} sessions, {rounds} rounds x {secs} s per mode (median round shown), `query` point lookups as analyst/north"
        );
        println!(
            "{:<8} {:>10} {:>10} {:>10} {:>12} {:>12} {:>10} {:>10} {:>11}",
            "audit", "calls/s", "p50 ms", "p99 ms", "vs log", "cpu ms/call", "writer ms", "cs/call", "rec/commit"
        );
        let modes = ["log", "async", "sync"];
        let mut servers = Vec::new();
        for mode in modes {
            servers.push(start(dir.path(), &db, mode).await);
        }
        let mut runs: Vec<Vec<Run>> = modes.iter().map(|_| Vec::new()).collect();
        for _ in 0..rounds {
            for (i, (server, url)) in servers.iter().enumerate() {
                let process = proc::Proc(server.0.id());
                runs[i].push(measure(url, &process, sessions, secs).await);
            }
        }
        let mut batches = Vec::new();
        for (_, url) in &servers {
            batches.push(records_per_commit(url).await);
        }
        drop(servers);
        let mut baseline = None;
        for ((mode, mut runs), batch) in modes.into_iter().zip(runs).zip(batches) {
            runs.sort_by(|a, b| a.calls_per_sec.total_cmp(&b.calls_per_sec));
            let run = &runs[runs.len() / 2];
            let base = *baseline.get_or_insert(run.calls_per_sec);
            println!(
                "{:<8} {:>10.0} {:>10.2} {:>10.2} {:>11.1}% {:>12.3} {:>10.3} {:>10.1} {:>11}",
                mode,
                run.calls_per_sec,
                run.p50.as_secs_f64() * 1000.0,
                run.p99.as_secs_f64() * 1000.0,
                100.0 * run.calls_per_sec / base,
                run.cpu_ms,
                run.writer_ms,
                run.switches,
                batch.map_or("-".to_string(), |b| format!("{b:.1}"))
            );
        }
    });
}

//! Load generator: the real binary (release build) under N concurrent MCP sessions (rmcp's
//! client over Streamable HTTP, keep-alive; one stdio session on pipes and one on a socket pair),
//! next to a raw sqlx pool running the same statements with the row filter written by hand, in
//! the same run, against a throwaway PostgreSQL seeded like the peer comparison (50k customers,
//! 200k orders, 600k order lines on top of the demo data).
//!
//! Cases: a point lookup, an aggregate (join + GROUP BY, a different parameter each call so
//! nothing is cached), a 1,000-row result, and the same aggregate repeated against a server whose
//! role has a `cache_ttl` (cache hits). Prints calls/s, p50/p99, the server's CPU per call (from
//! /proc), and its idle and peak RSS. The server and the load share the machine.
//!
//! Run: `cargo bench --bench load` (`SQLWARDEN_LOAD_SESSIONS`, default 8; `SQLWARDEN_LOAD_SECS`,
//! default 5 per case;
//! `SQLWARDEN_LOAD_CASES=point,cached` runs only the cases whose names start so;
//! `SQLWARDEN_LOAD_AUDIT=async|log` sets the servers' audit durability, default sync).
#![allow(clippy::print_stdout, clippy::disallowed_methods, dead_code)]

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/proc.rs"]
mod proc;

use proc::Proc;

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const SEED: &str = "
INSERT INTO customers (name, email, phone, national_id, birth_date, region, city, segment)
SELECT 'Bench customer ' || g, 'bench' || g || '@example.com', '+1-555-' || g, 'BN' || g,
       date '1960-01-01' + (g % 15000), (ARRAY['north','south','east','west'])[1 + g % 4],
       'City ' || (g % 100), (ARRAY['consumer','smb','enterprise'])[1 + g % 3]
FROM generate_series(1, 50000) g;
INSERT INTO orders (customer_id, employee_id, ordered_at, status, region)
SELECT 1 + g % (SELECT max(id) FROM customers), 1 + g % (SELECT count(*) FROM employees),
       timestamp '2023-01-01' + (g % 700) * interval '1 day',
       (ARRAY['pending','shipped','delivered','delivered','cancelled','returned'])[1 + g % 6],
       (ARRAY['north','south','east','west'])[1 + g % 4]
FROM generate_series(1, 200000) g;
INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price, discount)
SELECT o.id, l, 1 + (o.id * 7 + l) % (SELECT count(*) FROM products), 1 + (o.id + l) % 5,
       10 + (o.id % 90), 0
FROM orders o CROSS JOIN generate_series(1, 3) l
WHERE NOT EXISTS (SELECT 1 FROM order_lines x WHERE x.order_id = o.id);
ANALYZE;
";

const POINT: &str = "SELECT id, status, ordered_at FROM orders WHERE id = $1";
const AGGREGATE: &str = "SELECT c.segment, count(*) AS orders, sum(ol.quantity * ol.unit_price) AS revenue \
     FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_lines ol ON ol.order_id = o.id \
     WHERE o.id > $1 GROUP BY c.segment ORDER BY c.segment";
const ROWS_1000: &str =
    "SELECT id, customer_id, status, ordered_at FROM orders WHERE id > $1 ORDER BY id LIMIT 1000";

/// The same statements with the analyst's north filter written by hand, for raw sqlx.
fn raw_sql(sql: &str) -> String {
    match sql {
        POINT => "SELECT id, status, ordered_at FROM orders WHERE id = $1 AND region = 'north'".into(),
        AGGREGATE => "SELECT c.segment, count(*) AS orders, sum(ol.quantity * ol.unit_price) AS revenue \
             FROM orders o JOIN customers c ON c.id = o.customer_id AND c.region = 'north' \
             JOIN order_lines ol ON ol.order_id = o.id WHERE o.region = 'north' AND o.id > $1 \
             GROUP BY c.segment ORDER BY c.segment".into(),
        _ => "SELECT id, customer_id, status, ordered_at FROM orders WHERE region = 'north' AND id > $1 \
             ORDER BY id LIMIT 1000".into(),
    }
}

fn policy(ttl: &str) -> String {
    format!(
        "role = \"bench\"\n[limits]\nmax_rows = 1000\nmax_result_bytes = 4194304\ncache_ttl = \"{ttl}\"\n\
         [tables.orders]\nrow_filter = \"region = attr('region')\"\n\
         [tables.order_lines]\nrow_filter = \"order_id IN (SELECT id FROM orders WHERE region = attr('region'))\"\n\
         [tables.customers]\ncolumns = [\"id\", \"region\", \"city\", \"segment\", \"created_at\"]\n\
         row_filter = \"region = attr('region')\"\n\
         [tables.products]\ndeny_columns = [\"cost\"]\n"
    )
}

fn config(dir: &Path, name: &str, db_url: &str, ttl: &str) -> std::path::PathBuf {
    let policies = dir.join(format!("policies-{name}"));
    std::fs::create_dir_all(&policies).expect("dir");
    std::fs::write(policies.join("bench.toml"), policy(ttl)).expect("policy");
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(
        &path,
        format!(
            "[server]\nauth = \"none\"\nrole = \"bench\"\nattrs = {{ region = \"north\" }}\n\
             [policies]\ndir = \"{}\"\n[store]\nurl = \"sqlite://{}\"\n\
             [audit]\ndurability = \"{}\"\n\
             [databases.main]\nurl = \"{db_url}\"\nmax_connections = 8\n",
            policies.display(),
            dir.join(format!("store-{name}.db")).display(),
            std::env::var("SQLWARDEN_LOAD_AUDIT").unwrap_or_else(|_| "sync".into()),
        ),
    )
    .expect("config");
    path
}

/// Whether `case` runs: all of them, or those named in `SQLWARDEN_LOAD_CASES` (comma-separated
/// prefixes such as `point,cached`).
fn wanted(case: &str) -> bool {
    match std::env::var("SQLWARDEN_LOAD_CASES") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .any(|p| !p.trim().is_empty() && case.starts_with(p.trim())),
        _ => true,
    }
}

/// A stdio session with its own server process, on pipes or on a Unix socket pair; the
/// server's pid with it.
async fn stdio_session(config: &Path, socket: bool) -> (u32, common::mcp::Client) {
    let mut command = tokio::process::Command::new(common::bin());
    command
        .arg("serve")
        .arg("--config")
        .arg(config)
        .args(["--role", "bench", "--attr", "region=north"])
        .env("RUST_LOG", "warn");
    if !socket {
        let transport = TokioChildProcess::new(command).expect("spawn stdio server");
        let pid = transport.id().expect("pid");
        return (
            pid,
            ().serve(transport).await.expect("initialize over stdio"),
        );
    }
    // The server ends with its input, when the client is dropped.
    let (child, client) = common::mcp::on_socket_pair(&mut command).await;
    (child.id().expect("pid"), client)
}

type Call = Arc<dyn Fn(u64) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

struct Run {
    calls: usize,
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

/// `sessions` tasks calling `calls[i]` in a loop for `secs` (after a 1 s warm-up).
async fn drive(calls: &[Call], secs: u64) -> Run {
    let mut result = None;
    for warm in [true, false] {
        let stop = Arc::new(AtomicBool::new(false));
        let n = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = calls
            .iter()
            .cloned()
            .map(|call| {
                let stop = stop.clone();
                let n = n.clone();
                tokio::spawn(async move {
                    let mut lat = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let i = n.fetch_add(1, Ordering::Relaxed);
                        let t = Instant::now();
                        call(i).await;
                        lat.push(t.elapsed());
                    }
                    lat
                })
            })
            .collect();
        let started = Instant::now();
        tokio::time::sleep(Duration::from_secs(if warm { 1 } else { secs })).await;
        stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("session"));
        }
        if warm {
            continue;
        }
        all.sort();
        let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
        result = Some(Run {
            calls: all.len(),
            per_sec: all.len() as f64 / started.elapsed().as_secs_f64(),
            p50: pct(0.5),
            p99: pct(0.99),
        });
    }
    result.expect("the measured run")
}

/// The parameter of call `i` of a case: a varying id (nothing repeats), or fixed (cache hits).
fn param(sql: &str, i: u64, repeat: bool) -> Value {
    match sql {
        POINT => json!(1 + (i * 7919) % 200_000),
        AGGREGATE if repeat => json!(0),
        AGGREGATE => json!(100_000 + i % 100_000),
        _ => json!((i * 131) % 150_000),
    }
}

fn mcp_calls(clients: &[Arc<common::mcp::Client>], sql: &'static str, repeat: bool) -> Vec<Call> {
    clients
        .iter()
        .cloned()
        .map(|client| -> Call {
            Arc::new(move |i| {
                let client = client.clone();
                Box::pin(async move {
                    let args = json!({"sql": sql, "params": [param(sql, i, repeat)]});
                    let args = args.as_object().cloned().unwrap_or_default();
                    let r = client
                        .call_tool(CallToolRequestParams::new("query").with_arguments(args))
                        .await
                        .expect("call");
                    assert_eq!(r.is_error, Some(false), "{r:?}");
                })
            })
        })
        .collect()
}

fn raw_calls(pool: &sqlx::PgPool, sessions: u64, sql: &'static str) -> Vec<Call> {
    let text: Arc<str> = raw_sql(sql).into();
    (0..sessions)
        .map(|_| -> Call {
            let pool = pool.clone();
            let text = text.clone();
            Arc::new(move |i| {
                let pool = pool.clone();
                let text = text.clone();
                Box::pin(async move {
                    let p = param(sql, i, false).as_i64().unwrap_or(0) as i32;
                    sqlx::query(sqlx::AssertSqlSafe(text.to_string()))
                        .bind(p)
                        .fetch_all(&pool)
                        .await
                        .expect("raw query");
                })
            })
        })
        .collect()
}

fn print(case: &str, path: &str, run: &Run, cpu: Option<(Duration, f64)>) {
    let (cpu_ms, peak) = match cpu {
        Some((cpu, peak)) => (
            format!(
                "{:.3}",
                cpu.as_secs_f64() * 1000.0 / run.calls.max(1) as f64
            ),
            format!("{peak:.1}"),
        ),
        None => ("-".into(), "-".into()),
    };
    println!(
        "{case:<18} {path:<12} {:>9.0} {:>9.2} {:>9.2} {cpu_ms:>12} {peak:>10}",
        run.per_sec,
        run.p50.as_secs_f64() * 1000.0,
        run.p99.as_secs_f64() * 1000.0,
    );
}

fn main() {
    let sessions = env_or("SQLWARDEN_LOAD_SESSIONS", 8);
    let secs = env_or("SQLWARDEN_LOAD_SECS", 5);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let pg = common::pg::cluster();
        let db = pg.fresh_db();
        pg.execute(&db, SEED);
        let url = pg.url(&db);
        let dir = tempfile::tempdir().expect("tempdir");
        let plain = common::mcp::http_server(&config(dir.path(), "plain", &url, "0s")).await;
        let cached = common::mcp::http_server(&config(dir.path(), "cached", &url, "10m")).await;
        let plain_proc = Proc(plain.pid());
        let cached_proc = Proc(cached.pid());
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect(&url)
            .await
            .expect("raw pool");
        let mut clients = Vec::new();
        for _ in 0..sessions {
            clients.push(Arc::new(common::mcp::http_client_keep_alive(&plain.url).await));
        }
        let mut cached_clients = Vec::new();
        for _ in 0..sessions {
            cached_clients.push(Arc::new(common::mcp::http_client_keep_alive(&cached.url).await));
        }
        let idle = plain_proc.rss_mib();
        println!(
            "load: {sessions} sessions x {secs} s per case; PostgreSQL with 50k customers, 200k orders, 600k lines"
        );
        println!(
            "{:<18} {:<12} {:>9} {:>9} {:>9} {:>12} {:>10}",
            "case", "path", "calls/s", "p50 ms", "p99 ms", "cpu ms/call", "peak MiB"
        );
        for (case, sql) in [
            ("point lookup", POINT),
            ("aggregate", AGGREGATE),
            ("1000-row result", ROWS_1000),
        ] {
            if !wanted(case) {
                continue;
            }
            let run = drive(&raw_calls(&pool, sessions, sql), secs).await;
            print(case, "raw sqlx", &run, None);
            let before = plain_proc.cpu();
            let run = drive(&mcp_calls(&clients, sql, false), secs).await;
            let cpu = plain_proc.cpu().saturating_sub(before);
            print(case, "http", &run, Some((cpu, plain_proc.peak_mib())));
        }
        if wanted("cached aggregate") {
            let before = cached_proc.cpu();
            let run = drive(&mcp_calls(&cached_clients, AGGREGATE, true), secs).await;
            let cpu = cached_proc.cpu().saturating_sub(before);
            print(
                "cached aggregate",
                "http",
                &run,
                Some((cpu, cached_proc.peak_mib())),
            );
        }

        if wanted("stdio") {
            // One stdio session (its own server process), launched on pipes as rmcp, Python's
            // asyncio and shells do; then on a Unix socket pair as Node.js does (the
            // TypeScript SDK and the clients built on it).
            for socket in [false, true] {
                let config = config(dir.path(), "stdio", &url, "0s");
                let (pid, stdio) = stdio_session(&config, socket).await;
                let before = Proc(pid).cpu();
                let run = drive(&mcp_calls(&[Arc::new(stdio)], POINT, false), secs).await;
                let cpu = Proc(pid).cpu().saturating_sub(before);
                let label = if socket { "stdio (1, socket pair)" } else { "stdio (1, pipes)" };
                print("point lookup", label, &run, Some((cpu, Proc(pid).peak_mib())));
            }
        }
        println!("server RSS: {idle:.1} MiB idle, {:.1} MiB peak (http, all cases)", plain_proc.peak_mib());
    });
}

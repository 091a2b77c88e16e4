//! End-to-end governed calls (govern + execute + fetch) as the demo's north analyst, next to the
//! same statements written by hand with the filter applied and run through a plain sqlx pool in
//! the same process: what governance and the row-filter barrier cost on real data.
//!
//! SQLite: the demo database, built in a temporary directory. PostgreSQL: set
//! `SQLWARDEN_BENCH_PG_URL` to a database loaded with `demo/postgres/*.sql` (and ANALYZEd).
//! Run: `cargo bench --bench lookup`.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sqlwarden::db::{Database, DatabaseOptions, ExecLimits};
use sqlwarden::policy::Limits;
use sqlwarden::sql::{GovernContext, Purpose, govern};
use tokio_util::sync::CancellationToken;

/// (name, caller SQL, the same by hand with the north filter applied).
const CASES: &[(&str, &str, &str)] = &[
    (
        "point_lookup",
        "SELECT * FROM orders WHERE id = 42",
        "SELECT * FROM orders WHERE id = 42 AND region = 'north'",
    ),
    (
        "filtered_count",
        "SELECT status, count(*) FROM orders WHERE customer_id = 164 GROUP BY status",
        "SELECT status, count(*) FROM orders WHERE customer_id = 164 AND region = 'north' GROUP BY status",
    ),
    (
        "join_aggregate",
        "SELECT c.city, count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.city",
        "SELECT c.city, count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id \
         WHERE o.region = 'north' AND c.region = 'north' GROUP BY c.city",
    ),
];

async fn connect(url: &str) -> Database {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let set = sqlwarden::policy::load_dir(&dir, Limits::default()).expect("demo policies");
    let opts = DatabaseOptions {
        name: "main".into(),
        url: sqlwarden::config::Secret::new(url),
        schemas: vec![],
        max_connections: 2,
        statement_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(10),
    };
    Database::connect(&opts, Arc::new(set))
        .await
        .expect("database connects")
}

async fn governed(db: &Database, sql: &str) -> usize {
    let schema = db.schema.load();
    let role = schema.role("analyst").expect("analyst compiled");
    let attrs: BTreeMap<String, String> = [("region".to_string(), "north".to_string())].into();
    let ctx = GovernContext {
        dialect: db.dialect,
        catalog: &schema.catalog,
        policy: role,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    let q = govern(sql, &[], Purpose::Query { max_rows: 500 }, &ctx).expect("allowed");
    let limits = ExecLimits {
        max_rows: 500,
        max_result_bytes: 1 << 20,
        statement_timeout: Duration::from_secs(10),
    };
    sqlwarden::db::execute(db, &q, limits, &CancellationToken::new())
        .await
        .expect("runs")
        .rows
        .len()
}

/// The baseline: a plain sqlx pool, no governance.
enum Raw {
    Postgres(sqlx::PgPool),
    Sqlite(sqlx::SqlitePool),
}

impl Raw {
    async fn connect(url: &str) -> Raw {
        if url.starts_with("sqlite:") {
            Raw::Sqlite(sqlx::SqlitePool::connect(url).await.expect("baseline pool"))
        } else {
            Raw::Postgres(sqlx::PgPool::connect(url).await.expect("baseline pool"))
        }
    }

    async fn rows(&self, sql: &'static str) -> usize {
        let rows = match self {
            Raw::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(p)
                .await
                .map(|r| r.len()),
            Raw::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(p)
                .await
                .map(|r| r.len()),
        };
        rows.expect("baseline runs")
    }
}

fn bench_database(c: &mut Criterion, rt: &tokio::runtime::Runtime, label: &str, url: &str) {
    let db = rt.block_on(connect(url));
    let raw = rt.block_on(Raw::connect(url));
    let mut group = c.benchmark_group(format!("e2e_{label}"));
    for (name, sql, by_hand) in CASES {
        group.bench_function(format!("{name}/sqlwarden"), |b| {
            b.iter(|| rt.block_on(governed(&db, sql)))
        });
        group.bench_function(format!("{name}/raw_sqlx"), |b| {
            b.iter(|| rt.block_on(raw.rows(by_hand)))
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo.db");
    rt.block_on(sqlwarden::db::build_demo_sqlite(&path))
        .expect("demo database builds");
    bench_database(c, &rt, "sqlite", &format!("sqlite://{}", path.display()));
    if let Ok(url) = std::env::var("SQLWARDEN_BENCH_PG_URL") {
        bench_database(c, &rt, "postgres", &url);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

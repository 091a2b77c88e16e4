//! The security corpus (tests/corpus/{allow,deny}/*.sql), run three ways:
//! 1. through governance alone, for every dialect a case applies to;
//! 2. end to end against a real PostgreSQL (as a SUPERUSER login, so only the guard can stop a
//!    write), checking afterwards that no row, table, role, database or sequence changed;
//! 3. end to end against a real SQLite file, checking afterwards that the file is byte-identical.
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::Duration;

use common::{Case, load_corpus};
use sqlwarden::db::{Database, DatabaseOptions, ExecLimits};
use sqlwarden::policy::{Limits, RolePolicy};
use sqlwarden::sql::{
    Catalog, CatalogTable, Dialect, GovernContext, GovernError, Purpose, QualifiedName, govern,
};
use tokio_util::sync::CancellationToken;

/// Text that must never appear in any response: server file contents and settings.
const FORBIDDEN: &[&str] = &[
    "root:x:0",
    "/bin/bash",
    "data_directory",
    "hba_file",
    "PG_VERSION",
];

fn outcome(result: &Result<sqlwarden::sql::GovernedQuery, GovernError>) -> String {
    match result {
        Ok(_) => "allow".into(),
        Err(GovernError::Parse(_)) => "parse_error".into(),
        Err(GovernError::Denied(d)) => d.rule.as_str().into(),
    }
}

fn policy() -> RolePolicy {
    RolePolicy::default_role(Limits::default())
}

/// The demo catalog for a dialect, read from the real SQLite demo database.
async fn demo_catalog(dialect: Dialect) -> Catalog {
    let db = connect(&common::sqlite_url(&common::sqlite_demo()), "demo").await;
    let schema = if dialect == Dialect::Postgres {
        "public"
    } else {
        "main"
    };
    let tables: Vec<CatalogTable> = db
        .catalog
        .load()
        .tables()
        .map(|t| CatalogTable {
            name: QualifiedName::new(schema, t.name.name.clone()),
            columns: t.columns.clone(),
            is_view: t.is_view,
        })
        .collect();
    Catalog::new(dialect, vec![schema.to_string()], tables)
}

async fn connect(url: &str, name: &str) -> Database {
    let opts = DatabaseOptions {
        name: name.into(),
        url: sqlwarden::config::Secret::new(url),
        schemas: vec![],
        max_connections: 4,
        statement_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(10),
    };
    Database::connect(&opts).await.expect("database connects")
}

fn check_counts(deny: &[Case], allow: &[Case]) {
    assert!(
        deny.len() >= 60,
        "at least 60 deny cases, found {}",
        deny.len()
    );
    assert!(
        allow.len() >= 30,
        "at least 30 allow cases, found {}",
        allow.len()
    );
    for c in deny.iter().chain(allow) {
        assert!(
            !c.expect.is_empty(),
            "{}: missing `-- expect:` header",
            c.file
        );
        assert!(
            ["any", "postgres", "sqlite"].contains(&c.dialect.as_str()),
            "{}: bad dialect {}",
            c.file,
            c.dialect
        );
    }
}

#[tokio::test]
async fn corpus_through_governance_alone() {
    let (deny, allow) = (load_corpus("deny"), load_corpus("allow"));
    check_counts(&deny, &allow);
    let policy = policy();
    let mut failures = Vec::new();
    for (dialect, tag) in [(Dialect::Postgres, "postgres"), (Dialect::Sqlite, "sqlite")] {
        let catalog = demo_catalog(dialect).await;
        let ctx = GovernContext {
            dialect,
            catalog: &catalog,
            policy: &policy,
            max_sql_len: 100_000,
        };
        for case in deny.iter().chain(&allow).filter(|c| c.applies_to(tag)) {
            let result = govern(&case.sql, &[], Purpose::Query { max_rows: 100 }, &ctx);
            let got = outcome(&result);
            if got != case.expect {
                let detail = match &result {
                    Err(e) => e.to_string(),
                    Ok(q) => q.sql().chars().take(120).collect(),
                };
                failures.push(format!(
                    "{tag} {}: expected {}, got {got}: {detail}",
                    case.file, case.expect
                ));
                continue;
            }
            if let Ok(q) = &result {
                // An allowed statement's rewrite parses again and governs to the same SQL.
                let again = govern(q.sql(), &[], Purpose::Query { max_rows: 100 }, &ctx);
                match again {
                    Ok(q2) if q2.sql() == q.sql() => {}
                    other => failures.push(format!(
                        "{tag} {}: rewrite is not stable: {other:?}",
                        case.file
                    )),
                }
            }
            if let Err(e) = &result {
                let text = e.to_string();
                if FORBIDDEN.iter().any(|f| text.contains(f)) {
                    failures.push(format!("{tag} {}: denial message leaks: {text}", case.file));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Run every applicable case end to end; returns failures.
async fn run_end_to_end(db: &Database, tag: &str) -> Vec<String> {
    let (deny, allow) = (load_corpus("deny"), load_corpus("allow"));
    let policy = policy();
    let catalog = db.catalog.load();
    let ctx = GovernContext {
        dialect: db.dialect,
        catalog: &catalog,
        policy: &policy,
        max_sql_len: 100_000,
    };
    let limits = ExecLimits {
        max_rows: 100,
        max_result_bytes: 1 << 20,
        statement_timeout: Duration::from_secs(10),
    };
    let mut failures = Vec::new();
    for case in deny.iter().chain(&allow).filter(|c| c.applies_to(tag)) {
        let governed = govern(&case.sql, &[], Purpose::Query { max_rows: 100 }, &ctx);
        let got = outcome(&governed);
        if got != case.expect {
            failures.push(format!(
                "{tag} {}: expected {}, got {got}",
                case.file, case.expect
            ));
        }
        if let Ok(q) = governed {
            match sqlwarden::db::execute(db, &q, limits, &CancellationToken::new()).await {
                Ok(rows) => {
                    let text = serde_json::to_string(&rows.rows).unwrap_or_default();
                    if FORBIDDEN.iter().any(|f| text.contains(f)) {
                        failures.push(format!("{tag} {}: response leaks server data", case.file));
                    }
                }
                Err(e) if case.expect == "allow" => failures.push(format!(
                    "{tag} {}: allowed case failed in the database: {e}",
                    case.file
                )),
                Err(_) => {}
            }
        }
    }
    failures
}

fn pg_fingerprint(cluster: &common::pg::Cluster, db: &str) -> Vec<String> {
    let mut fp = cluster.query_text(
        db,
        "SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
    );
    fp.extend(cluster.query_text(db, "SELECT schemaname || '.' || sequencename || '=' || coalesce(last_value, 0) FROM pg_sequences ORDER BY 1"));
    fp.extend(cluster.query_text(db, "SELECT rolname FROM pg_roles ORDER BY 1"));
    fp.extend(cluster.query_text(
        db,
        "SELECT datname FROM pg_database WHERE datname NOT LIKE 't%' ORDER BY 1",
    ));
    for table in [
        "customers",
        "products",
        "employees",
        "orders",
        "order_lines",
    ] {
        fp.extend(cluster.query_text(
            db,
            &format!("SELECT '{table}:' || count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM public.{table} t"),
        ));
    }
    fp
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_against_postgres() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let before = pg_fingerprint(cluster, &name);
    let db = connect(&cluster.url(&name), "pg").await;
    let failures = run_end_to_end(&db, "postgres").await;
    let after = pg_fingerprint(cluster, &name);
    assert_eq!(
        before, after,
        "the database changed while running the corpus"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_against_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("corpus.db");
    std::fs::copy(common::sqlite_demo(), &path).expect("copy demo");
    let before = std::fs::read(&path).expect("read db");
    let db = connect(&common::sqlite_url(&path), "lite").await;
    let failures = run_end_to_end(&db, "sqlite").await;
    drop(db);
    let after = std::fs::read(&path).expect("read db");
    assert!(
        before == after,
        "the SQLite file changed while running the corpus"
    );
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        siblings.len(),
        1,
        "no new files next to the database: {siblings:?}"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

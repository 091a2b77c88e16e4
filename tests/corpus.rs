//! The security corpus (tests/corpus/{allow,deny}/*.sql), each case run as its role:
//! 1. through governance alone, for every dialect a case applies to;
//! 2. end to end against a real PostgreSQL (as a SUPERUSER login, so only the guard can stop a
//!    write), checking afterwards that no row, table, role, database or sequence changed;
//! 3. end to end against a real SQLite file, checking afterwards that the file is byte-identical.
//!
//! Hidden places of the test databases hold marker values, and no response may contain one.
//! Allowed cases of a restricted role must return exactly what the same SQL returns, unrestricted,
//! on a hand-filtered copy of the database (other regions' rows deleted, hidden columns dropped).
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use common::{Case, load_corpus};
use sqlwarden::db::{Database, DatabaseOptions, ExecLimits, RowSet};
use sqlwarden::policy::{ColumnRule, PolicySet};
use sqlwarden::sql::{
    Catalog, CatalogTable, Dialect, GovernContext, GovernError, GovernedQuery, Purpose,
    QualifiedName, govern,
};
use tokio_util::sync::CancellationToken;

/// Text that must never appear in any response: server files and settings, and the markers
/// planted in hidden columns and other regions' rows.
const FORBIDDEN: &[&str] = &[
    "root:x:0",
    "/bin/bash",
    "data_directory",
    "hba_file",
    "PG_VERSION",
    "MARKER_",
];

/// SQL (valid on both databases) that plants markers in hidden places.
const MARKERS: &str = "\
UPDATE customers SET email = 'MARKER_EMAIL_' || id || '@x', phone = 'MARKER_PHONE', national_id = 'MARKER_NID_' || id WHERE id % 7 = 0;
UPDATE customers SET name = 'MARKER_OTHER_REGION_' || id WHERE region <> 'north' AND id % 5 = 0;
UPDATE products SET cost = 0.01 WHERE id % 11 = 0;
UPDATE employees SET title = 'MARKER_EMPLOYEE' WHERE id % 3 = 0;";

fn outcome(result: &Result<GovernedQuery, GovernError>) -> String {
    match result {
        Ok(_) => "allow".into(),
        Err(GovernError::Parse(_)) => "parse_error".into(),
        Err(GovernError::Denied(d)) => d.rule.as_str().into(),
    }
}

fn leaks(text: &str, case: &Case) -> bool {
    // Which markers a role must never see: everything hidden from it.
    let markers: &[&str] = match case.role.as_str() {
        "analyst" => &["MARKER_"],
        "support" => &["MARKER_NID", "MARKER_OTHER_REGION", "MARKER_EMPLOYEE"],
        _ => &[],
    };
    FORBIDDEN
        .iter()
        .filter(|f| !f.starts_with("MARKER_"))
        .chain(markers)
        .any(|f| text.contains(f))
}

/// The demo catalog for a dialect, read from the real SQLite demo database.
async fn demo_catalog(dialect: Dialect) -> Catalog {
    let db = connect(
        &common::sqlite_url(&common::sqlite_demo()),
        "main",
        Arc::new(common::demo_policies()),
    )
    .await;
    let schema = if dialect == Dialect::Postgres {
        "public"
    } else {
        "main"
    };
    let tables: Vec<CatalogTable> = db
        .schema
        .load()
        .catalog
        .tables()
        .map(|t| CatalogTable {
            name: QualifiedName::new(schema, t.name.name.clone()),
            columns: t.columns.clone(),
            types: t.types.clone(),
            is_view: t.is_view,
            primary_key: t.primary_key.clone(),
        })
        .collect();
    Catalog::new(dialect, vec![schema.to_string()], tables)
}

async fn connect(url: &str, name: &str, policies: Arc<PolicySet>) -> Database {
    let opts = DatabaseOptions {
        name: name.into(),
        url: sqlwarden::config::Secret::new(url),
        schemas: vec![],
        max_connections: 4,
        statement_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(10),
    };
    let db = Database::connect(&opts, policies)
        .await
        .expect("database connects");
    assert!(
        db.schema.load().errors.is_empty(),
        "demo policies compile: {:?}",
        db.schema.load().errors
    );
    db
}

/// The filtered copies are queried unrestricted.
fn default_only() -> PolicySet {
    PolicySet::builtin(sqlwarden::policy::Limits::default())
}

fn check_counts(deny: &[Case], allow: &[Case]) {
    assert!(
        deny.len() >= 250,
        "at least 250 deny cases, found {}",
        deny.len()
    );
    assert!(
        allow.len() >= 100,
        "at least 100 allow cases, found {}",
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
    let set = common::demo_policies();
    let mut failures = Vec::new();
    for (dialect, tag) in [(Dialect::Postgres, "postgres"), (Dialect::Sqlite, "sqlite")] {
        let catalog = demo_catalog(dialect).await;
        let mut compiled = HashMap::new();
        for (name, role) in &set.roles {
            compiled.insert(
                name.clone(),
                sqlwarden::sql::compile(role, "main", dialect, &catalog)
                    .expect("compiles")
                    .role,
            );
        }
        for case in deny.iter().chain(&allow).filter(|c| c.applies_to(tag)) {
            let Some(role) = compiled.get(&case.role) else {
                failures.push(format!("{tag} {}: unknown role {}", case.file, case.role));
                continue;
            };
            let ctx = GovernContext {
                dialect,
                catalog: &catalog,
                policy: role,
                attrs: &case.attrs,
                max_sql_len: 100_000,
            };
            let result = govern(&case.sql, &[], Purpose::Query { max_rows: 100 }, &ctx);
            let got = outcome(&result);
            if got != case.expect {
                let detail = match &result {
                    Err(e) => e.to_string(),
                    Ok(q) => q.sql().chars().take(160).collect(),
                };
                failures.push(format!(
                    "{tag} {} [{}]: expected {}, got {got}: {detail}",
                    case.file, case.role, case.expect
                ));
                continue;
            }
            if let Ok(q) = &result {
                // An allowed statement's rewrite parses again and is allowed again.
                if let Err(e) = govern(q.sql(), q.params(), Purpose::Query { max_rows: 100 }, &ctx)
                {
                    failures.push(format!(
                        "{tag} {}: the rewrite does not govern again: {e}",
                        case.file
                    ));
                }
            }
            if let Err(e) = &result
                && leaks(&e.to_string(), case)
            {
                failures.push(format!("{tag} {}: denial message leaks: {e}", case.file));
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

fn limits() -> ExecLimits {
    ExecLimits {
        max_rows: 100_000,
        max_result_bytes: 64 << 20,
        statement_timeout: Duration::from_secs(20),
    }
}

async fn run_as(
    db: &Database,
    role: &str,
    attrs: &BTreeMap<String, String>,
    sql: &str,
) -> Result<Result<RowSet, String>, GovernError> {
    let schema = db.schema.load();
    let compiled = schema.role(role).expect("role compiled").clone();
    let ctx = GovernContext {
        dialect: db.dialect,
        catalog: &schema.catalog,
        policy: &compiled,
        attrs,
        max_sql_len: 100_000,
    };
    let q = govern(sql, &[], Purpose::Query { max_rows: 100_000 }, &ctx)?;
    Ok(
        sqlwarden::db::execute(db, &q, limits(), &CancellationToken::new())
            .await
            .map_err(|e| e.to_string()),
    )
}

/// Rows as sorted, normalized strings (floats rounded: summation order may differ).
fn normalized(set: &RowSet) -> Vec<String> {
    let mut rows: Vec<String> = set
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| match v {
                    serde_json::Value::Number(n) if n.is_f64() => {
                        format!("{:.4}", n.as_f64().unwrap_or_default())
                    }
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    rows.sort();
    rows
}

/// A row count or the error, for failure messages.
fn brief(answer: &Result<RowSet, String>) -> String {
    match answer {
        Ok(rows) => format!("{} rows", rows.rows.len()),
        Err(e) => format!("the error `{e}`"),
    }
}

/// SQL that turns a copy of the demo database into what `role` with `attrs` may see.
fn filter_script(
    set: &PolicySet,
    role: &str,
    attrs: &BTreeMap<String, String>,
    dialect: Dialect,
) -> Vec<String> {
    let region = attrs
        .get("region")
        .cloned()
        .unwrap_or_default()
        .replace('\'', "''");
    let mut sql = vec![
        format!(
            "DELETE FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE region <> '{region}')"
        ),
        format!("DELETE FROM orders WHERE region <> '{region}'"),
        format!("DELETE FROM customers WHERE region <> '{region}'"),
    ];
    let policy = &set.roles[role];
    for rule in &policy.tables {
        let Some(table) = &rule.pattern.name else {
            continue;
        };
        let all_owned = demo_columns(table);
        let all: Vec<&str> = all_owned.iter().map(String::as_str).collect();
        let hidden: Vec<&str> = match &rule.columns {
            ColumnRule::All => vec![],
            ColumnRule::Deny(d) => d.iter().map(String::as_str).collect(),
            ColumnRule::Allow(a) => all
                .iter()
                .copied()
                .filter(|c| !a.iter().any(|x| x == c))
                .collect(),
        };
        if hidden.is_empty() {
            continue;
        }
        match dialect {
            Dialect::Postgres => {
                for h in hidden {
                    sql.push(format!("ALTER TABLE {table} DROP COLUMN {h} CASCADE"));
                }
            }
            Dialect::Sqlite => {
                // SQLite cannot drop UNIQUE columns: rebuild the table without them.
                let keep: Vec<&str> = all
                    .iter()
                    .copied()
                    .filter(|c| !hidden.contains(c))
                    .collect();
                sql.push("DROP VIEW IF EXISTS monthly_sales".into());
                sql.push(format!(
                    "CREATE TABLE {table}_kept AS SELECT {} FROM {table}",
                    keep.join(", ")
                ));
                sql.push(format!("DROP TABLE {table}"));
                sql.push(format!("ALTER TABLE {table}_kept RENAME TO {table}"));
            }
        }
    }
    sql
}

/// Columns of a demo table, from the shared demo catalog.
fn demo_columns(table: &str) -> Vec<String> {
    sqlwarden::sql::fuzzing::catalog(Dialect::Postgres)
        .get("public", table)
        .map(|t| t.columns.clone())
        .unwrap_or_default()
}

/// Run every applicable case end to end on `db`; allowed cases of restricted roles are
/// compared with the unrestricted result on a filtered copy (`filtered(role, attrs)`).
async fn run_end_to_end<F, Fut>(db: &Database, tag: &str, mut filtered: F) -> Vec<String>
where
    F: FnMut(String, BTreeMap<String, String>) -> Fut,
    Fut: std::future::Future<Output = Database>,
{
    let (deny, allow) = (load_corpus("deny"), load_corpus("allow"));
    let mut copies: HashMap<String, Database> = HashMap::new();
    let mut failures = Vec::new();
    for case in deny.iter().chain(&allow).filter(|c| c.applies_to(tag)) {
        let result = run_as(db, &case.role, &case.attrs, &case.sql).await;
        let got = match &result {
            Ok(_) => "allow".to_string(),
            Err(GovernError::Parse(_)) => "parse_error".into(),
            Err(GovernError::Denied(d)) => d.rule.as_str().into(),
        };
        if got != case.expect {
            failures.push(format!(
                "{tag} {} [{}]: expected {}, got {got}",
                case.file, case.role, case.expect
            ));
            continue;
        }
        let answer = match result {
            Ok(answer) => answer,
            Err(e) => {
                if leaks(&e.to_string(), case) {
                    failures.push(format!("{tag} {}: denial leaks: {e}", case.file));
                }
                continue;
            }
        };
        let text = match &answer {
            Ok(rows) => serde_json::to_string(&rows.rows).unwrap_or_default(),
            Err(e) => e.clone(),
        };
        if leaks(&text, case) {
            failures.push(format!(
                "{tag} {} [{}]: response leaks a marker or server data: {}",
                case.file,
                case.role,
                text.chars().take(200).collect::<String>()
            ));
        }
        let restricted = case.role == "analyst" || case.role == "support";
        if !restricted {
            if let Err(e) = &answer {
                failures.push(format!(
                    "{tag} {} [{}]: allowed case failed in the database: {e}",
                    case.file, case.role
                ));
            }
            continue;
        }
        // A restricted role must get exactly what the same SQL gets on a copy holding only its
        // rows and columns: the same rows, or the same error (the row-filter barrier: errors
        // may depend only on rows the role can see).
        let key = format!("{}:{:?}", case.role, case.attrs);
        if !copies.contains_key(&key) {
            copies.insert(
                key.clone(),
                filtered(case.role.clone(), case.attrs.clone()).await,
            );
        }
        let copy = &copies[&key];
        match (
            answer,
            run_as(copy, "default", &BTreeMap::new(), &case.sql).await,
        ) {
            (Ok(rows), Ok(Ok(expected))) => {
                if normalized(&expected) != normalized(&rows) {
                    failures.push(format!(
                        "{tag} {} [{}]: rows differ from the hand-filtered result ({} vs {} expected)\n{:?}\n{:?}",
                        case.file,
                        case.role,
                        rows.rows.len(),
                        expected.rows.len(),
                        normalized(&rows),
                        normalized(&expected)
                    ));
                }
            }
            (Err(got), Ok(Err(expected))) if got == expected => {}
            (got, expected) => failures.push(format!(
                "{tag} {} [{}]: answered {}, the hand-filtered copy answered {}",
                case.file,
                case.role,
                brief(&got),
                match &expected {
                    Ok(r) => brief(r),
                    Err(e) => format!("a denial: {e}"),
                }
            )),
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
    cluster.execute(&name, MARKERS);
    let before = pg_fingerprint(cluster, &name);
    let set = Arc::new(common::demo_policies());
    let db = connect(&cluster.url(&name), "main", set.clone()).await;
    let failures = run_end_to_end(&db, "postgres", |role, attrs| {
        let set = set.clone();
        let copy = cluster.fresh_db();
        cluster.execute(&copy, MARKERS);
        for stmt in filter_script(&set, &role, &attrs, Dialect::Postgres) {
            cluster.execute(&copy, &stmt);
        }
        let url = cluster.url(&copy);
        async move { connect(&url, "main", Arc::new(default_only())).await }
    })
    .await;
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

async fn sqlite_admin(path: &std::path::Path, statements: &[String]) {
    use sqlx::{ConnectOptions, Connection};
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(false)
        .connect()
        .await
        .expect("admin");
    for s in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(s.clone()))
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    c.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_against_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("corpus.db");
    std::fs::copy(common::sqlite_demo(), &path).expect("copy demo");
    sqlite_admin(&path, &[MARKERS.to_string()]).await;
    let before = std::fs::read(&path).expect("read db");
    let set = Arc::new(common::demo_policies());
    let db = connect(&common::sqlite_url(&path), "main", set.clone()).await;
    let copies = tempfile::tempdir().expect("tempdir");
    let base = copies.path().to_path_buf();
    let mut n = 0;
    let failures = run_end_to_end(&db, "sqlite", |role, attrs| {
        n += 1;
        let copy = base.join(format!("filtered{n}.db"));
        let set = set.clone();
        let src = path.clone();
        async move {
            std::fs::copy(&src, &copy).expect("copy");
            sqlite_admin(&copy, &filter_script(&set, &role, &attrs, Dialect::Sqlite)).await;
            connect(&common::sqlite_url(&copy), "main", Arc::new(default_only())).await
        }
    })
    .await;
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

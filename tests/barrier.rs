//! The row-filter barrier (issue 12): no caller expression runs on a row the role's row filter
//! excludes, on real PostgreSQL and SQLite, and filtered point lookups still use their index.
//!
//! The policy is the one the issue was found with: orders filtered through a subquery on
//! customers (`customer_id IN (SELECT id FROM customers WHERE region = attr('region'))`), which
//! PostgreSQL turns into a semi-join evaluated after the caller's predicates when it flattens.
//! Every statement is answered as a north analyst and compared with the same SQL, unrestricted,
//! on a copy holding only the north customers' orders: the same rows, or the same error.
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sqlwarden::db::{Database, DatabaseOptions, ExecLimits};
use sqlwarden::policy::{Limits, PolicySet};
use sqlwarden::sql::{GovernContext, Purpose, govern};
use tokio_util::sync::CancellationToken;

const POLICY: &str = r#"
role = "analyst"
[tables.orders]
row_filter = "customer_id IN (SELECT id FROM customers WHERE region = attr('region'))"
[tables.customers]
deny_columns = ["email", "phone", "national_id", "birth_date"]
row_filter = "region = attr('region')"
[tables.order_lines]
row_filter = "order_id IN (SELECT o.id FROM orders o WHERE o.customer_id IN (SELECT id FROM customers WHERE region = attr('region')))"
# No row filter: the whole table (products), or its derived table hiding columns (employees).
[tables.products]
[tables.employees]
deny_columns = ["email", "salary"]
"#;

/// What the north analyst may see, made real: every other customer and their orders deleted.
const NORTH_ONLY: &[&str] = &[
    "DELETE FROM order_lines WHERE order_id IN (SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.region <> 'north')",
    "DELETE FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE region <> 'north')",
    "UPDATE employees SET manager_id = NULL",
    "DELETE FROM customers WHERE region <> 'north'",
];

#[path = "barrier_cases/statements.rs"]
mod statements;
use statements::{BOTH, POSTGRES_ONLY, SQLITE_ONLY};

fn north() -> BTreeMap<String, String> {
    [("region".to_string(), "north".to_string())].into()
}

fn policies() -> Arc<PolicySet> {
    let files = vec![("analyst.toml".to_string(), POLICY.to_string())];
    let mut set = sqlwarden::policy::load_texts(&files, Limits::default()).expect("policy loads");
    set.roles.insert(
        "default".into(),
        sqlwarden::policy::RolePolicy::default_role(Limits::default()),
    );
    Arc::new(set)
}

async fn connect(url: &str) -> Database {
    let opts = DatabaseOptions {
        name: "main".into(),
        url: sqlwarden::config::Secret::new(url),
        schemas: vec![],
        max_connections: 2,
        statement_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(10),
    };
    let db = Database::connect(&opts, policies())
        .await
        .expect("database connects");
    assert!(
        db.schema.load().errors.is_empty(),
        "policy compiles: {:?}",
        db.schema.load().errors
    );
    db
}

/// Rows as text, or the database's error message.
async fn answer(db: &Database, role: &str, sql: &str, purpose: Purpose) -> Result<String, String> {
    run(db, role, sql, &[], purpose).await.1
}

/// Govern `sql` as `role` (north) and run it: the governed SQL, and rows as text or the error.
async fn run(
    db: &Database,
    role: &str,
    sql: &str,
    params: &[serde_json::Value],
    purpose: Purpose,
) -> (String, Result<String, String>) {
    let schema = db.schema.load();
    let compiled = schema.role(role).expect("role compiled").clone();
    let attrs = north();
    let ctx = GovernContext {
        dialect: db.dialect,
        catalog: &schema.catalog,
        policy: &compiled,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    let q = govern(sql, params, purpose, &ctx).unwrap_or_else(|e| panic!("{sql}: denied: {e}"));
    let limits = ExecLimits {
        max_rows: 100_000,
        max_result_bytes: 64 << 20,
        statement_timeout: Duration::from_secs(20),
    };
    let rows = sqlwarden::db::execute(db, &q, limits, &CancellationToken::new())
        .await
        .map(|rows| serde_json::to_string(&rows.rows).unwrap_or_default())
        .map_err(|e| e.to_string());
    (q.sql().to_string(), rows)
}

/// The whole plan PostgreSQL makes for `sql` governed as the north analyst, read past the
/// product (an operator's view: the analyst itself is shown only the plan's shape, see
/// tests/explain.rs): the governed SQL and the plan's lines.
async fn pg_plan(
    db: &Database,
    url: &str,
    sql: &str,
    params: &[serde_json::Value],
) -> (String, String) {
    use sqlx::{Connection, Row};
    let schema = db.schema.load();
    let compiled = schema.role("analyst").expect("role compiled").clone();
    let attrs = north();
    let ctx = GovernContext {
        dialect: db.dialect,
        catalog: &schema.catalog,
        policy: &compiled,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    let q = govern(sql, params, Purpose::Explain, &ctx)
        .unwrap_or_else(|e| panic!("{sql}: denied: {e}"));
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let mut explain = sqlx::query(sqlx::AssertSqlSafe(q.sql().to_string()));
    for p in q.params() {
        explain = match p {
            serde_json::Value::String(s) => explain.bind(s.clone()),
            serde_json::Value::Number(n) => explain.bind(n.as_i64().expect("an integer")),
            other => panic!("unexpected parameter {other}"),
        };
    }
    let rows = explain.fetch_all(&mut conn).await.expect("explain runs");
    let lines: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>(0).expect("a plan line"))
        .collect();
    (q.sql().to_string(), lines.join("\n"))
}

async fn compare(db: &Database, copy: &Database, statements: &[&str]) -> Vec<String> {
    let query = Purpose::Query { max_rows: 10_000 };
    let mut failures = Vec::new();
    for sql in statements {
        let got = answer(db, "analyst", sql, query).await;
        let expected = answer(copy, "default", sql, query).await;
        if got != expected {
            failures.push(format!(
                "{sql}\n  as north analyst: {got:?}\n  on the north-only copy: {expected:?}"
            ));
        }
    }
    failures
}

fn plan(rows: &str) -> String {
    let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(rows).expect("plan rows");
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_answers_as_the_north_only_copy() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let copy_name = cluster.fresh_db();
    for stmt in NORTH_ONLY {
        cluster.execute(&copy_name, stmt);
    }
    cluster.execute(&name, "ANALYZE");
    cluster.execute(&copy_name, "ANALYZE");
    let db = connect(&cluster.url(&name)).await;
    let copy = connect(&cluster.url(&copy_name)).await;
    let mut failures = compare(&db, &copy, BOTH).await;
    failures.extend(compare(&db, &copy, POSTGRES_ONLY).await);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_answers_as_the_north_only_copy() {
    use sqlx::{ConnectOptions, Connection};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("barrier.db");
    let copy_path = dir.path().join("north.db");
    std::fs::copy(common::sqlite_demo(), &path).expect("copy demo");
    std::fs::copy(common::sqlite_demo(), &copy_path).expect("copy demo");
    let mut admin = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&copy_path)
        .foreign_keys(false)
        .connect()
        .await
        .expect("admin");
    for stmt in NORTH_ONLY {
        sqlx::raw_sql(sqlx::AssertSqlSafe(stmt.to_string()))
            .execute(&mut admin)
            .await
            .expect("filter the copy");
    }
    admin.close().await.expect("close");
    let db = connect(&common::sqlite_url(&path)).await;
    let copy = connect(&common::sqlite_url(&copy_path)).await;
    let mut failures = compare(&db, &copy, BOTH).await;
    failures.extend(compare(&db, &copy, SQLITE_ONLY).await);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_filtered_lookups_keep_their_index() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    cluster.execute(&name, "ANALYZE");
    let db = connect(&cluster.url(&name)).await;
    for (sql, index) in [
        ("SELECT * FROM orders WHERE id = 42", "orders_pkey"),
        (
            "SELECT o.status FROM orders o WHERE o.id = $1",
            "orders_pkey",
        ),
        (
            "SELECT name, city FROM customers WHERE id = 42",
            "customers_pkey",
        ),
        (
            "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id IN (7, 8, 9)",
            "orders_pkey",
        ),
        // The first rows in key order: read along the key inside the fence, not all sorted.
        (
            "SELECT id, status FROM orders WHERE id > 10 ORDER BY id LIMIT 5",
            "orders_pkey",
        ),
        // A date literal against the timestamp column is compared as its midnight's timestamp.
        (
            "SELECT id FROM orders WHERE ordered_at >= DATE '2025-12-30'",
            "idx_orders_ordered_at",
        ),
        // A time relative to now: a bound in the fence (two days looser than `now()`'s type).
        (
            "SELECT id FROM orders WHERE ordered_at >= now() - interval '30 days'",
            "idx_orders_ordered_at",
        ),
        (
            "SELECT id FROM orders WHERE customer_id = ANY (ARRAY[7, 8])",
            "idx_orders_customer_id",
        ),
        // The latest order: read from the end of the date index, not every order of the region.
        (
            "SELECT max(ordered_at) FROM orders",
            "idx_orders_ordered_at",
        ),
        // The first lines in key order, with their products: read along the key and stopped,
        // not every line of the region joined first.
        (
            "SELECT l.order_id, l.line_no, p.name FROM order_lines l JOIN products p ON p.id = l.product_id ORDER BY l.order_id, l.line_no LIMIT 5",
            "order_lines_pkey",
        ),
        // The same past a LEFT join on the products' key (no keys needed).
        (
            "SELECT l.order_id, l.line_no, p.name FROM order_lines l LEFT JOIN products p ON p.id = l.product_id ORDER BY l.order_id, l.line_no LIMIT 5",
            "order_lines_pkey",
        ),
        // A join of a fence the caller narrowed with another: the other is read by its key
        // (the keys of the narrowed fence are carried into it), not all of it.
        (
            "SELECT c.name, o.id, o.status FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.city = 'Detroit'",
            "idx_orders_customer_id",
        ),
        // The same from a table without a row filter: the lines of one product are read by
        // their product index, not every line of the region.
        (
            "SELECT l.order_id, l.quantity FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.sku = 'TOY-0067'",
            "idx_order_lines_product_id",
        ),
    ] {
        let params = if sql.contains("$1") {
            vec![serde_json::json!(42)]
        } else {
            vec![]
        };
        let (governed, text) = pg_plan(&db, &cluster.url(&name), sql, &params).await;
        assert!(
            text.contains(&format!("Index Scan using {index}"))
                || text.contains(&format!("Index Scan Backward using {index}"))
                || text.contains(&format!("Index Only Scan using {index}"))
                || text.contains(&format!("Bitmap Index Scan on {index}")),
            "{sql}: the filtered lookup no longer uses {index}:\n{governed}\n{text}"
        );
    }
    // The latest orders, then each one's customer looked up by its key (a LATERAL lookup per
    // order, parameterized by the order's `customer_id`), not every customer of the region.
    for sql in [
        "SELECT o.id, o.ordered_at, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC LIMIT 5",
        "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC LIMIT 5",
        // written from the customers: the orders are put first
        "SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY o.ordered_at DESC LIMIT 5",
    ] {
        let (governed, text) = pg_plan(&db, &cluster.url(&name), sql, &[]).await;
        assert!(
            !text.contains("Seq Scan on customers")
                && !text.contains("Hash")
                && text.contains("Index Cond: (id = orders.customer_id)"),
            "{sql}: the customers are not looked up by key:\n{governed}\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_unsafe_predicates_above_the_barrier() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    cluster.execute(&name, "ANALYZE");
    let db = connect(&cluster.url(&name)).await;
    let sql = "SELECT count(*) FROM orders WHERE id > 10 AND 1/(CASE WHEN customer_id = 15 THEN 0 ELSE 1 END) = 1";
    let (_, text) = pg_plan(&db, &cluster.url(&name), sql, &[]).await;
    // The failing predicate filters the output of the fenced subquery (a Subquery Scan), never
    // the scan of orders itself; the leakproof `id > 10` is applied inside, at the scan.
    let lines: Vec<&str> = text.lines().collect();
    let case_line = lines
        .iter()
        .position(|l| l.contains("CASE"))
        .unwrap_or_else(|| panic!("no CASE in the plan:\n{text}"));
    assert!(
        case_line > 0 && lines[case_line - 1].contains("Subquery Scan"),
        "the caller's predicate is not above the barrier:\n{text}"
    );
    let inner = lines[case_line + 1..].join("\n");
    assert!(
        inner.contains("id > 10"),
        "the leakproof predicate was not moved inside the barrier:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_filtered_lookup_keeps_its_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plan.db");
    std::fs::copy(common::sqlite_demo(), &path).expect("copy demo");
    let db = connect(&common::sqlite_url(&path)).await;
    let rows = answer(
        &db,
        "analyst",
        "SELECT * FROM orders WHERE id = 42",
        Purpose::Explain,
    )
    .await
    .expect("explain runs");
    let text = plan(&rows);
    assert!(
        text.contains("orders USING INTEGER PRIMARY KEY"),
        "the filtered lookup no longer uses the primary key:\n{text}"
    );
}

#[test]
fn the_leakproof_list_matches_postgres() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    for ty in sqlwarden::sql::leakproof_comparison_types() {
        // varchar compares with text's operators (binary coercible).
        let base = if ty == "character varying" {
            "text"
        } else {
            ty
        };
        let found = cluster.query_text(
            &name,
            &format!(
                "SELECT o.oprname || ':' || p.proleakproof::text FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode \
                 WHERE o.oprleft = '{base}'::regtype AND o.oprright = '{base}'::regtype \
                 AND o.oprname IN ('=', '<>', '<', '<=', '>', '>=') ORDER BY 1"
            ),
        );
        assert_eq!(
            found,
            [
                "<:true", "<=:true", "<>:true", "=:true", ">:true", ">=:true"
            ],
            "{ty}: comparison operators and their leakproof flags"
        );
    }
}

/// SQLite reads `$1` as a named parameter that takes the next free slot, not slot 1: with `?1`
/// in the same statement, `$1` got slot 2, the one the row filter's attribute is bound to, and
/// the caller's value replaced the role's region. Every spelling of parameter N must bind the
/// caller's value N, and the filter its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_placeholder_spellings_never_reach_the_row_filters_slot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("params.db");
    std::fs::copy(common::sqlite_demo(), &path).expect("copy demo");
    let db = connect(&common::sqlite_url(&path)).await;
    let south = [serde_json::json!("south")];
    for sql in [
        "SELECT ?1 AS a, $1 AS b, c.region, count(*) AS n FROM customers c GROUP BY c.region",
        "SELECT $1 AS b, ?1 AS a, c.region, count(*) AS n FROM customers c GROUP BY c.region",
        "SELECT ?01 AS a, $01 AS b, ?1 AS c, c.region, count(*) AS n FROM customers c GROUP BY c.region",
        "SELECT c.region, count(*) AS n FROM customers c WHERE c.region <> ?1 OR $1 = $1 GROUP BY c.region",
    ] {
        let (governed, rows) = run(
            &db,
            "analyst",
            sql,
            &south,
            Purpose::Query { max_rows: 100 },
        )
        .await;
        let rows = rows.unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(!governed.contains('$'), "{governed}");
        let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(&rows).expect("rows");
        let regions: Vec<&serde_json::Value> =
            rows.iter().filter_map(|r| r.get(r.len() - 2)).collect();
        assert_eq!(regions, [&serde_json::json!("north")], "{sql}: {rows:?}");
        if sql.starts_with("SELECT ?") || sql.starts_with("SELECT $") {
            assert!(rows.iter().all(|r| r[0] == south[0]), "{sql}: {rows:?}");
        }
    }
}

/// SQLite's EXPLAIN QUERY PLAN carries the planner's cost estimate in its third column, taken
/// from statistics over every row (after ANALYZE: a log-scale count of all regions' orders): a
/// restricted role sees 0 there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_plans_show_a_restricted_role_no_cost_estimate() {
    use sqlx::{ConnectOptions, Connection};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stats.db");
    std::fs::copy(common::sqlite_demo(), &path).expect("copy demo");
    let mut admin = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .connect()
        .await
        .expect("admin");
    sqlx::raw_sql("ANALYZE")
        .execute(&mut admin)
        .await
        .expect("analyze");
    admin.close().await.expect("close");
    let db = connect(&common::sqlite_url(&path)).await;
    let (_, rows) = run(
        &db,
        "analyst",
        "EXPLAIN QUERY PLAN SELECT * FROM orders",
        &[],
        Purpose::Query { max_rows: 100 },
    )
    .await;
    let rows: Vec<Vec<serde_json::Value>> =
        serde_json::from_str(&rows.expect("a plan")).expect("rows");
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row.get(2), Some(&serde_json::json!(0)), "{rows:?}");
    }
}

/// PostgreSQL estimates a predicate on a fenced column from the table's statistics, sampled
/// from every row, and calls the predicate's operator on the samples to do so: a LIKE pattern
/// ending in its escape character raised an error exactly when a sampled value of another
/// region held the text before it, even for a plain EXPLAIN. Fenced text columns are no bare
/// references now, so the planner has no statistics to try them on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_statistics_of_hidden_rows_answer_no_question() {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    cluster.execute(&name, "ANALYZE");
    // Sampled names (statistics) whose text, but for the last character, no north name holds.
    let probes = cluster.query_text(
        &name,
        "SELECT left(v, -1) FROM (
           SELECT unnest(histogram_bounds::text::text[]) AS v FROM pg_stats
            WHERE tablename = 'customers' AND attname = 'name'
           UNION SELECT unnest(most_common_vals::text::text[]) FROM pg_stats
            WHERE tablename = 'customers' AND attname = 'name') s
         WHERE v ~ '^[A-Za-z ]+$' AND NOT EXISTS (SELECT 1 FROM customers c
            WHERE c.region = 'north' AND strpos(c.name, left(v, -1)) > 0)
         ORDER BY v LIMIT 8",
    );
    assert!(
        probes.len() >= 4,
        "sampled names of other regions: {probes:?}"
    );
    let db = connect(&cluster.url(&name)).await;
    for probe in &probes {
        let sql = format!("SELECT count(*) FROM customers WHERE name LIKE '%{probe}%\\'");
        assert_eq!(
            answer(&db, "analyst", &sql, Purpose::Query { max_rows: 100 }).await,
            Ok("[[0]]".to_string()),
            "{sql}"
        );
        let (_, plan) = pg_plan(&db, &cluster.url(&name), &sql, &[]).await;
        assert!(!plan.contains("ERROR"), "{sql}: {plan}");
    }
    // The statistics the planner needs for joins stay: integer keys are plain columns.
    let (governed, _) = pg_plan(
        &db,
        &cluster.url(&name),
        "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id",
        &[],
    )
    .await;
    assert!(
        governed.contains("SELECT \"id\", COALESCE(\"name\") AS \"name\""),
        "{governed}"
    );
}

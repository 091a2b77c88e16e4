//! Governance unit tests: the walker alone, on a fixed catalog.

use super::*;
use crate::policy::Limits;

fn catalog(dialect: Dialect) -> Catalog {
    super::fuzzing::catalog(dialect)
}

fn run(dialect: Dialect, sql: &str) -> Result<GovernedQuery, GovernError> {
    run_on(&catalog(dialect), dialect, sql)
}

/// Govern as the built-in `default` role over `catalog`.
fn run_on(catalog: &Catalog, dialect: Dialect, sql: &str) -> Result<GovernedQuery, GovernError> {
    let policy = compile_default(Limits::default(), dialect, catalog);
    let attrs = Default::default();
    let ctx = GovernContext {
        dialect,
        catalog,
        policy: &policy,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    govern(sql, &[], Purpose::Query { max_rows: 100 }, &ctx)
}

/// Govern as a demo role (policies/*.toml) with region=north.
fn run_as(role: &str, dialect: Dialect, sql: &str) -> Result<GovernedQuery, GovernError> {
    run_as_with(role, dialect, sql, &[])
}

/// Govern as a demo role with region=north and caller parameters.
fn run_as_with(
    role: &str,
    dialect: Dialect,
    sql: &str,
    params: &[serde_json::Value],
) -> Result<GovernedQuery, GovernError> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let set = crate::policy::load_dir(&dir, Limits::default()).expect("demo policies");
    let catalog = catalog(dialect);
    let compiled = compile(&set.roles[role], "main", dialect, &catalog)
        .expect("compiles")
        .role;
    let attrs = [("region".to_string(), "north".to_string())].into();
    let ctx = GovernContext {
        dialect,
        catalog: &catalog,
        policy: &compiled,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    govern(sql, params, Purpose::Query { max_rows: 100 }, &ctx)
}

#[track_caller]
fn assert_role_allowed(role: &str, dialect: Dialect, sql: &str) {
    if let Err(e) = run_as(role, dialect, sql) {
        panic!("{sql}: expected allowed, got {e:?}");
    }
}

#[track_caller]
fn assert_role_denied(role: &str, dialect: Dialect, sql: &str, rule: Rule) {
    match run_as(role, dialect, sql) {
        Err(GovernError::Denied(d)) => assert_eq!(d.rule, rule, "{sql}: {}", d.message),
        other => panic!("{sql}: expected denial {rule}, got {other:?}"),
    }
}

#[track_caller]
fn assert_denied(dialect: Dialect, sql: &str, rule: Rule) {
    match run(dialect, sql) {
        Err(GovernError::Denied(d)) => assert_eq!(d.rule, rule, "{sql}: {}", d.message),
        other => panic!("{sql}: expected denial {rule}, got {other:?}"),
    }
}

#[track_caller]
fn assert_allowed(dialect: Dialect, sql: &str) -> String {
    match run(dialect, sql) {
        Ok(q) => q.sql().to_string(),
        Err(e) => panic!("{sql}: expected allowed, got {e:?}"),
    }
}

const PG: Dialect = Dialect::Postgres;
const LITE: Dialect = Dialect::Sqlite;

#[test]
fn qualifies_tables_and_pushes_limit() {
    let sql = assert_allowed(
        PG,
        "select c.name from customers c join orders o on o.customer_id = c.id",
    );
    assert_eq!(
        sql,
        "SELECT c.name FROM \"public\".\"customers\" c JOIN \"public\".\"orders\" o ON o.customer_id = c.id LIMIT 101"
    );
    assert!(assert_allowed(LITE, "SELECT * FROM Orders").contains("\"main\".\"orders\""));
}

#[test]
fn keeps_smaller_limit_and_wraps_expressions() {
    assert!(assert_allowed(PG, "SELECT id FROM orders LIMIT 5").ends_with("LIMIT 5"));
    assert!(assert_allowed(PG, "SELECT id FROM orders LIMIT 5000").ends_with("LIMIT 101"));
    let wrapped = assert_allowed(PG, "SELECT id FROM orders LIMIT (SELECT 7)");
    assert!(wrapped.starts_with("SELECT * FROM (SELECT id"), "{wrapped}");
    assert!(wrapped.ends_with("sqlwarden_q LIMIT 101"), "{wrapped}");
}

#[test]
fn one_statement_only() {
    assert_denied(
        PG,
        "SELECT 1; COMMIT; DROP TABLE customers",
        Rule::MultipleStatements,
    );
    assert_denied(
        LITE,
        "SELECT 1; DELETE FROM orders",
        Rule::MultipleStatements,
    );
}

#[test]
fn writes_are_denied_everywhere() {
    assert_denied(PG, "DELETE FROM customers", Rule::StatementKind);
    assert_denied(
        PG,
        "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
        Rule::StatementKind,
    );
    assert_denied(PG, "SELECT * INTO x FROM orders", Rule::SelectInto);
    assert_denied(PG, "SELECT * FROM orders FOR UPDATE", Rule::LockingClause);
    assert_denied(
        PG,
        "SELECT * FROM (SELECT * FROM orders FOR SHARE) s",
        Rule::LockingClause,
    );
    assert_denied(PG, "EXPLAIN ANALYZE SELECT 1", Rule::ExplainAnalyze);
    assert_denied(PG, "EXPLAIN (ANALYZE) SELECT 1", Rule::ExplainAnalyze);
    // PostgreSQL's other spelling runs the statement just the same.
    assert!(run(PG, "EXPLAIN ANALYSE SELECT 1").is_err());
    assert_denied(PG, "EXPLAIN (ANALYSE) SELECT 1", Rule::ExplainAnalyze);
    assert_denied(
        PG,
        "EXPLAIN (analyse true, buffers) SELECT 1",
        Rule::ExplainAnalyze,
    );
    // Options are an allow-list: SETTINGS prints the server's configuration.
    assert_denied(PG, "EXPLAIN (SETTINGS) SELECT 1", Rule::StatementKind);
    assert_allowed(PG, "EXPLAIN (ANALYSE false, COSTS, SUMMARY) SELECT 1");
    assert_denied(PG, "EXPLAIN DELETE FROM orders", Rule::StatementKind);
}

#[test]
fn catalogs_and_unknown_tables_are_not_granted() {
    assert_denied(
        PG,
        "SELECT * FROM pg_catalog.pg_class",
        Rule::TableNotGranted,
    );
    assert_denied(PG, "SELECT * FROM pg_shadow", Rule::TableNotGranted);
    assert_denied(
        PG,
        "SELECT * FROM \"PG_CATALOG\".pg_class",
        Rule::TableNotGranted,
    );
    assert_denied(
        PG,
        "SELECT * FROM information_schema.tables",
        Rule::TableNotGranted,
    );
    assert_denied(LITE, "SELECT * FROM sqlite_master", Rule::TableNotGranted);
    assert_denied(PG, "SELECT * FROM \"Orders\"", Rule::TableNotGranted);
}

#[test]
fn cte_scoping_follows_the_database() {
    assert_allowed(
        PG,
        "WITH pg_class AS (SELECT 1 AS x) SELECT * FROM pg_class",
    );
    // the inner pg_authid is the real catalog table in a non-recursive WITH
    assert_denied(
        PG,
        "WITH pg_authid AS (SELECT * FROM pg_authid) SELECT * FROM pg_authid",
        Rule::TableNotGranted,
    );
    // a CTE does not leak out of the subquery that defines it
    assert_denied(
        PG,
        "SELECT * FROM (WITH pg_roles AS (SELECT 1) SELECT * FROM pg_roles) a, pg_roles",
        Rule::TableNotGranted,
    );
    assert_allowed(
        PG,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT * FROM n",
    );
}

#[test]
fn functions_come_from_the_allowlist() {
    assert_denied(PG, "SELECT pg_sleep(10)", Rule::FunctionNotAllowed);
    assert_denied(
        PG,
        "SELECT pg_catalog.pg_sleep(10)",
        Rule::FunctionNotAllowed,
    );
    assert_denied(
        PG,
        "SELECT * FROM pg_read_file('/etc/passwd')",
        Rule::FunctionNotAllowed,
    );
    assert_denied(
        PG,
        "SELECT * FROM generate_series(1, 1000000000)",
        Rule::FunctionNotAllowed,
    );
    assert_denied(
        PG,
        "SELECT id FROM orders ORDER BY (SELECT query_to_xml('select 1', true, true, ''))",
        Rule::FunctionNotAllowed,
    );
    assert_denied(PG, "SELECT \"PG_SLEEP\"(1)", Rule::FunctionNotAllowed);
    assert_denied(LITE, "SELECT load_extension('x')", Rule::FunctionNotAllowed);
    assert_allowed(
        PG,
        "SELECT date_trunc('month', ordered_at), count(*) FROM orders GROUP BY 1",
    );
    assert_allowed(
        LITE,
        "SELECT strftime('%Y-%m', ordered_at), count(*) FROM orders GROUP BY 1",
    );
}

#[test]
fn hygiene() {
    assert_denied(PG, "SELECT 1\u{200B}", Rule::InvisibleUnicode);
    let long = format!("SELECT {}1", "1 + ".repeat(30_000));
    assert_denied(PG, &long, Rule::SqlTooLong);
    let deep = format!("SELECT {}1{}", "(".repeat(500), ")".repeat(500));
    assert!(matches!(
        run(PG, &deep),
        Err(GovernError::Parse(_))
            | Err(GovernError::Denied(Denial {
                rule: Rule::SqlTooLong,
                ..
            }))
    ));
    assert_denied(PG, "SELECT 'x'::regclass", Rule::UnsupportedSyntax);
}

#[test]
fn parser_early_stops_cannot_hide_a_statement() {
    assert_denied(
        PG,
        "SELECT 1 END; DROP TABLE customers",
        Rule::MultipleStatements,
    );
    assert_denied(
        LITE,
        "SELECT 1 END; DROP TABLE customers",
        Rule::MultipleStatements,
    );
    assert_denied(
        PG,
        "SELECT * FROM customers UNION TABLE customers; COMMIT;",
        Rule::MultipleStatements,
    );
    // trailing semicolons and comments are fine
    assert_allowed(PG, "SELECT 1; -- done\n");
    assert_allowed(PG, "SELECT 1;;");
}

#[test]
fn long_operator_chains_are_capped_before_they_can_exhaust_the_stack() {
    // Left-deep trees do not trip the parser's recursion limit; the token scan caps them.
    let chain = format!("SELECT 1{}", " + 1".repeat(5000));
    assert_denied(PG, &chain, Rule::SqlTooLong);
    let unions = format!("SELECT 1{}", " UNION SELECT 1".repeat(3000));
    assert_denied(LITE, &unions, Rule::SqlTooLong);
    let ors = format!(
        "SELECT id FROM orders WHERE {}",
        vec!["id = 1"; 400].join(" OR ")
    );
    assert_denied(PG, &ors, Rule::SqlTooLong);
    // Many short chains are fine: only depth counts.
    let wide: Vec<String> = (0..400).map(|i| format!("id + {i} AS c{i}")).collect();
    assert_allowed(PG, &format!("SELECT {} FROM orders", wide.join(", ")));
    // Just under the cap governs, prints and drops on a 2 MiB stack (a tokio worker's size).
    let near = format!("SELECT 1{}", " + 1::int".repeat(149));
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || run(PG, &near).map(|q| q.sql().len()))
        .expect("spawn");
    assert!(handle.join().expect("no stack overflow").is_ok());
    // A chain that starts with a closed group is that group's depth deeper: 23 groups of
    // 290 operators each (13 KB) made a tree 6,700 deep and overflowed a worker's stack
    // (red-team finding). Counted, it is refused; as are CASE ... END groups alike.
    for dialect in [PG, LITE] {
        let mut nested = "1".to_string();
        for _ in 0..23 {
            nested = format!("({nested}){}", "+1".repeat(290));
        }
        assert_denied(dialect, &format!("SELECT {nested}"), Rule::SqlTooLong);
        let mut nested = "1".to_string();
        for _ in 0..10 {
            nested = format!("CASE WHEN true THEN {nested}{} END", " OR x".repeat(40));
        }
        assert_denied(dialect, &format!("SELECT {nested}"), Rule::SqlTooLong);
    }
    // A group is as deep as its deepest part, whatever chain it ends with: a comma, THEN,
    // or AS inside it started a new chain and hid the deep one (red-team finding, 11 KB).
    for dialect in [PG, LITE] {
        for (open, close) in [
            ("coalesce(", ", 0)"),
            ("CASE WHEN true THEN ", " ELSE 0 END"),
            ("(SELECT ", " AS a)"),
            ("ARRAY[", ", 0]"),
        ] {
            if dialect == LITE && open == "ARRAY[" {
                continue; // (no array constructor in SQLite)
            }
            let mut nested = "1".to_string();
            for _ in 0..20 {
                nested = format!("{open}{nested}{}{close}", "+1".repeat(280));
            }
            assert_denied(dialect, &format!("SELECT {nested} AS x"), Rule::SqlTooLong);
        }
    }
    // Nested groups of short chains are as deep as they look: fine.
    let mut nested = "id".to_string();
    for _ in 0..20 {
        nested = format!("({nested}) + 1 + 1");
    }
    let near = format!("SELECT {nested} FROM orders");
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || run(PG, &near).map(|q| q.sql().len()))
        .expect("spawn");
    assert!(handle.join().expect("no stack overflow").is_ok());
    // Big IN lists are flat, not deep: fine.
    let list: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
    assert_allowed(
        PG,
        &format!("SELECT id FROM orders WHERE id IN ({})", list.join(", ")),
    );
}

#[test]
fn array_subquery_and_named_arguments() {
    assert_allowed(
        PG,
        "SELECT ARRAY(SELECT id FROM orders ORDER BY id LIMIT 3)",
    );
    assert_allowed(PG, "SELECT make_interval(days => 3)");
    assert_denied(
        PG,
        "SELECT make_interval(days => length(pg_read_file('/etc/hostname')))",
        Rule::FunctionNotAllowed,
    );
}

#[test]
fn hidden_columns_are_denied_wherever_referenced() {
    for sql in [
        "SELECT email FROM customers",
        "SELECT c.email FROM customers c",
        "SELECT customers.national_id FROM customers",
        "SELECT name FROM customers WHERE email LIKE 'a%'",
        "SELECT name FROM customers ORDER BY birth_date",
        "SELECT count(*) FROM customers GROUP BY phone",
        "SELECT name, row_number() OVER (PARTITION BY national_id) FROM customers",
        "SELECT CAST(national_id AS int) FROM customers",
        "SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id AND c.email = 'x')",
        "SELECT o.id FROM orders o JOIN customers c ON c.email = 'x' AND c.id = o.customer_id",
        "SELECT max(cost) FROM products",
        "WITH x AS (SELECT email FROM customers) SELECT * FROM x",
        "SELECT 1 FROM customers a JOIN customers b USING (email)",
    ] {
        assert_role_denied("analyst", PG, sql, Rule::ColumnHidden);
        assert_role_denied("analyst", LITE, sql, Rule::ColumnHidden);
    }
    assert_role_denied(
        "support",
        PG,
        "SELECT national_id FROM customers",
        Rule::ColumnHidden,
    );
    assert!(run_as("support", PG, "SELECT email, phone FROM customers").is_ok());
    assert_role_denied(
        "analyst",
        PG,
        "SELECT * FROM employees",
        Rule::TableNotGranted,
    );
}

#[test]
fn restricted_tables_become_filtered_derived_tables() {
    let q = run_as("analyst", PG, "SELECT * FROM customers c").expect("allowed");
    // (PostgreSQL: columns other than integers and such are no bare references, so the
    // planner estimates nothing from the statistics of hidden rows.)
    assert!(q.sql().contains("(SELECT \"id\", COALESCE(\"name\") AS \"name\", COALESCE(\"region\") AS \"region\", COALESCE(\"city\") AS \"city\", COALESCE(\"segment\") AS \"segment\", COALESCE(\"created_at\") AS \"created_at\" FROM \"public\".\"customers\" WHERE \"customers\".region = $1 OFFSET 0) c"), "{}", q.sql());
    assert_eq!(q.params(), [serde_json::json!("north")]);
    // Unaliased references keep working through an alias named after the table.
    let q = run_as(
        "analyst",
        LITE,
        "SELECT customers.name FROM customers WHERE customers.region = 'south'",
    )
    .expect("allowed");
    assert!(
        q.sql().contains(
            "WHERE (\"customers\".region = ?1) AND \"customers\".\"region\" = 'south' LIMIT -1 OFFSET 0) AS \"customers\""
        ),
        "{}",
        q.sql()
    );
    // Output aliases may shadow hidden names in ORDER BY.
    assert!(
        run_as(
            "analyst",
            PG,
            "SELECT name AS email FROM customers ORDER BY email"
        )
        .is_ok()
    );
    // Caller placeholders come first; attributes are bound after them.
    let catalog = catalog(PG);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let set = crate::policy::load_dir(&dir, Limits::default()).expect("demo policies");
    let compiled = compile(&set.roles["analyst"], "main", PG, &catalog)
        .expect("compiles")
        .role;
    let attrs = [("region".to_string(), "north".to_string())].into();
    let ctx = GovernContext {
        dialect: PG,
        catalog: &catalog,
        policy: &compiled,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    let q = govern(
        "SELECT id FROM orders WHERE id = $1",
        &[serde_json::json!(5)],
        Purpose::Query { max_rows: 10 },
        &ctx,
    )
    .expect("allowed");
    assert!(q.sql().contains("region = $2"), "{}", q.sql());
    assert_eq!(
        q.params(),
        [serde_json::json!(5), serde_json::json!("north")]
    );
}

#[test]
fn sqlite_anonymous_placeholders_are_numbered_before_attributes() {
    let catalog = catalog(LITE);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let set = crate::policy::load_dir(&dir, Limits::default()).expect("demo policies");
    let compiled = compile(&set.roles["analyst"], "main", LITE, &catalog)
        .expect("compiles")
        .role;
    let attrs = [("region".to_string(), "north".to_string())].into();
    let ctx = GovernContext {
        dialect: LITE,
        catalog: &catalog,
        policy: &compiled,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    let params = [serde_json::json!(1), serde_json::json!("shipped")];
    let q = govern(
        "SELECT ? AS one, id FROM orders WHERE status = ?",
        &params,
        Purpose::Query { max_rows: 10 },
        &ctx,
    )
    .expect("allowed");
    assert!(q.sql().starts_with("SELECT ?1 AS one"), "{}", q.sql());
    assert!(
        q.sql().contains("region = ?3") && q.sql().contains("\"status\" = ?2"),
        "{}",
        q.sql()
    );
}

#[test]
fn printer_infidelity_cannot_smuggle_sql() {
    // sqlparser prints a quote after a backslash unescaped; the round-trip check refuses it.
    assert_denied(
        LITE,
        "SELECT E'\\''; DROP TABLE orders; --'",
        Rule::UnsupportedSyntax,
    );
    assert_denied(
        PG,
        "SELECT '\\''; DROP TABLE orders; --'",
        Rule::UnsupportedSyntax,
    );
    assert_denied(
        LITE,
        "SELECT 1 AS '\\'' , (SELECT email FROM customers) AS x, ''' FROM orders",
        Rule::UnsupportedSyntax,
    );
    // Ordinary quotes and backslashes still work.
    assert_allowed(PG, "SELECT 'it''s', 'C:\\dir', E'line\\nbreak'");
    assert_allowed(LITE, "SELECT 'it''s', 'C:\\dir'");
}

mod barrier;
mod bounds;
mod faithful;
mod fence_forms;
mod growth;
mod names;
mod open_keys;
mod star_joins;

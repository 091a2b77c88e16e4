//! Snapshots of what each demo role's statements become: the pretty-printed SQL that reaches
//! the database and its bound parameters. The public contract of the rewrite, reviewed with
//! `cargo insta review` when it changes.

use std::collections::BTreeMap;
use std::path::Path;

use sqlwarden::policy::{Limits, load_dir};
use sqlwarden::sql::fuzzing::catalog;
use sqlwarden::sql::{Dialect, GovernContext, GovernError, Purpose, compile, govern, pretty};

const QUERIES: &[(&str, &str)] = &[
    ("star", "SELECT * FROM customers"),
    ("whole_row", "SELECT row_to_json(c) FROM customers c"),
    (
        "join_aggregate",
        "SELECT p.category, sum(l.quantity * l.unit_price) AS revenue FROM orders o \
         JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id GROUP BY p.category",
    ),
    (
        "correlated",
        "SELECT c.name, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c",
    ),
    (
        "union",
        "SELECT region FROM customers UNION SELECT region FROM orders",
    ),
    (
        "barrier",
        "SELECT o.id, o.status FROM orders o WHERE o.id = 42 AND 1/(CASE WHEN o.customer_id = 15 THEN 0 ELSE 1 END) = 1",
    ),
    ("hidden_column", "SELECT email FROM customers"),
    ("other_table", "SELECT name, salary FROM employees"),
];

fn render(dialect: Dialect, role_name: &str) -> String {
    let set = load_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"),
        Limits::default(),
    )
    .expect("demo policies");
    let catalog = catalog(dialect);
    let role = compile(&set.roles[role_name], "main", dialect, &catalog)
        .expect("compiles")
        .role;
    let attrs: BTreeMap<String, String> = [("region".to_string(), "north".to_string())].into();
    let ctx = GovernContext {
        dialect,
        catalog: &catalog,
        policy: &role,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    let mut out = String::new();
    for (name, sql) in QUERIES {
        out.push_str(&format!("-- {name}: {sql}\n"));
        match govern(sql, &[], Purpose::Query { max_rows: 100 }, &ctx) {
            Ok(q) => {
                out.push_str(&pretty(q.sql(), dialect));
                out.push('\n');
                if !q.params().is_empty() {
                    out.push_str(&format!(
                        "-- params: {}\n",
                        serde_json::to_string(q.params()).unwrap_or_default()
                    ));
                }
            }
            Err(GovernError::Denied(d)) => {
                out.push_str(&format!("-- denied ({}): {}\n", d.rule, d.message))
            }
            Err(GovernError::Parse(m)) => out.push_str(&format!("-- parse error: {m}\n")),
        }
        out.push('\n');
    }
    out
}

#[test]
fn analyst_rewrites() {
    insta::assert_snapshot!(render(Dialect::Postgres, "analyst"));
}

#[test]
fn support_rewrites() {
    insta::assert_snapshot!(render(Dialect::Postgres, "support"));
}

#[test]
fn readonly_admin_rewrites() {
    insta::assert_snapshot!(render(Dialect::Postgres, "readonly_admin"));
}

#[test]
fn analyst_rewrites_sqlite() {
    insta::assert_snapshot!(render(Dialect::Sqlite, "analyst"));
}

//! Governance pipeline benchmark: parse -> analyze/authorize -> rewrite -> print, no database;
//! then a repeated statement through the decision cache, and sqlparser alone parsing the same
//! text (the floor under any new statement's governance).
//! Run: `cargo bench --bench governance`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeMap;

use sqlwarden::policy::Limits;
use sqlwarden::sql::{Catalog, Dialect, GovernContext, Purpose, compile, compile_default, govern};

fn catalog() -> Catalog {
    sqlwarden::sql::fuzzing::catalog(Dialect::Postgres)
}

const QUERIES: &[(&str, &str)] = &[
    (
        "point_lookup",
        "SELECT id, name, region FROM customers WHERE id = 42",
    ),
    (
        "three_table_join",
        "SELECT p.category, date_trunc('month', o.ordered_at) AS month, sum(l.quantity * l.unit_price) AS revenue \
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id \
         WHERE o.status = 'delivered' GROUP BY 1, 2 ORDER BY 3 DESC",
    ),
    (
        "four_table_join_sorted",
        "SELECT c.region, p.category, sum(l.quantity * l.unit_price) AS revenue \
         FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id \
         JOIN customers c ON c.id = o.customer_id \
         WHERE o.ordered_at >= DATE '2025-01-01' GROUP BY c.region, p.category ORDER BY revenue DESC",
    ),
    (
        "cte_window",
        "WITH monthly AS (SELECT date_trunc('month', ordered_at) AS m, region, count(*) AS n FROM orders GROUP BY 1, 2) \
         SELECT m, region, n, lag(n) OVER (PARTITION BY region ORDER BY m) AS prev, \
         sum(n) OVER (PARTITION BY region ORDER BY m ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running \
         FROM monthly ORDER BY region, m",
    ),
    (
        "recursive_hierarchy",
        "WITH RECURSIVE chain AS (SELECT id, name, manager_id, 0 AS depth FROM employees WHERE manager_id IS NULL \
         UNION ALL SELECT e.id, e.name, e.manager_id, c.depth + 1 FROM employees e JOIN chain c ON e.manager_id = c.id) \
         SELECT depth, count(*) FROM chain GROUP BY depth ORDER BY depth",
    ),
    ("denied_catalog", "SELECT * FROM pg_catalog.pg_authid"),
];

fn bench(c: &mut Criterion) {
    let catalog = catalog();
    let attrs: BTreeMap<String, String> = [("region".to_string(), "north".to_string())].into();
    let default = compile_default(Limits::default(), Dialect::Postgres, &catalog);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let set = sqlwarden::policy::load_dir(&dir, Limits::default()).expect("demo policies");
    let analyst = compile(&set.roles["analyst"], "main", Dialect::Postgres, &catalog)
        .expect("analyst compiles")
        .role;
    for (group_name, role) in [("govern_default", &default), ("govern_analyst", &analyst)] {
        let ctx = GovernContext {
            dialect: Dialect::Postgres,
            catalog: &catalog,
            policy: role,
            attrs: &attrs,
            max_sql_len: 100_000,
        };
        let mut group = c.benchmark_group(group_name);
        for (name, sql) in QUERIES {
            if group_name == "govern_analyst" && *name == "recursive_hierarchy" {
                continue; // employees is not granted to analyst
            }
            group.bench_function(*name, |b| {
                b.iter(|| govern(black_box(sql), &[], Purpose::Query { max_rows: 1000 }, &ctx))
            });
        }
        group.finish();
    }
    // A repeated statement: the decision cache's hit (key, lookup, rebinding the values).
    let ctx = GovernContext {
        dialect: Dialect::Postgres,
        catalog: &catalog,
        policy: &analyst,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    let decisions = sqlwarden::bench::Decisions::default();
    let mut group = c.benchmark_group("govern_analyst_repeated");
    for (name, sql) in QUERIES {
        if *name == "recursive_hierarchy" {
            continue;
        }
        group.bench_function(*name, |b| {
            b.iter(|| {
                decisions.govern(black_box(sql), &[], Purpose::Query { max_rows: 1000 }, &ctx)
            })
        });
    }
    group.finish();
    // The floor: sqlparser alone tokenizing and parsing the caller's text, as governance does
    // first for every new statement (and once more for the governed text it prints).
    let mut group = c.benchmark_group("sqlparser_alone");
    for (name, sql) in QUERIES {
        group.bench_function(*name, |b| {
            b.iter(|| {
                Dialect::Postgres
                    .parser()
                    .try_with_sql(black_box(sql))
                    .and_then(|mut p| p.parse_statements())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

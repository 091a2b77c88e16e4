//! What one row may build (`analyze::growth`): values that compound past the database's memory
//! are refused before they run; the sizes analytics use pass.

use super::*;

#[track_caller]
fn assert_too_large(dialect: Dialect, sql: &str, params: &[serde_json::Value]) -> String {
    match run_as_with("analyst", dialect, sql, params) {
        Err(GovernError::Denied(d)) => {
            assert_eq!(d.rule, Rule::FunctionNotAllowed, "{sql}: {}", d.message);
            assert!(
                d.message.contains("too large for the database's memory"),
                "{sql}: {}",
                d.message
            );
            d.message
        }
        other => panic!("{sql}: expected a denial, got {other:?}"),
    }
}

/// `s || s || ...`, `n` times.
fn chain(term: &str, n: usize) -> String {
    vec![term; n].join(" || ")
}

#[test]
fn values_compounding_through_levels_are_refused() {
    // The red-team statement: three CTE levels of 64 concatenations made 6 MB, which a
    // chain of 130 then copied into 13 GB of one backend (the kernel killed it).
    let levels = format!(
        "WITH a AS (SELECT repeat('ab', 50) AS s), b AS (SELECT {} AS s FROM a), c AS (SELECT {} AS s FROM b), d AS (SELECT {} AS s FROM c) SELECT length({}) FROM d",
        chain("s", 64),
        chain("s", 64),
        chain("s", 64),
        chain("s", 130)
    );
    for dialect in [PG, LITE] {
        let message = assert_too_large(dialect, &levels, &[]);
        assert!(message.contains("from its literals"), "{message}");
        // The same through `SELECT *`, a renamed derived table and a scalar subquery.
        let hidden = format!(
            "WITH a AS (SELECT repeat('ab', 100) AS s), b AS (SELECT * FROM a), c AS (SELECT {} AS s FROM b), d AS (SELECT {} AS z FROM (SELECT * FROM c) AS t(x)) SELECT (SELECT length({}) FROM d)",
            chain("s", 64),
            chain("x", 64),
            chain("z", 32)
        );
        let message = assert_too_large(dialect, &hidden, &[]);
        assert!(message.contains("from its literals"), "{message}");
        // Replacing each character by the whole value squares it, level by level.
        assert_too_large(
            dialect,
            "SELECT length(replace(y, 'a', y)) FROM (SELECT replace(x, 'a', x) AS y FROM (SELECT repeat('ab', 100) AS x) t) u",
            &[],
        );
        assert_too_large(
            dialect,
            "SELECT replace(replace(replace(repeat('a', 100), 'a', repeat('a', 100)), 'a', repeat('a', 100)), 'a', repeat('a', 100))",
            &[],
        );
        // A chain over a parameter: each step copies everything before it.
        let message = assert_too_large(
            dialect,
            &format!("SELECT length({})", chain("$1", 50)),
            &[serde_json::json!("x")],
        );
        assert!(message.contains("concat("), "{message}");
    }
    // Copies of an aggregate (up to 1 GB each, after the timeout-bounded aggregation).
    assert_too_large(
        PG,
        &format!(
            "SELECT length({}) FROM (SELECT string_agg(status, ',') AS x FROM orders) q",
            chain("x", 10)
        ),
        &[],
    );
    // A recursive CTE's column that doubles each round, then copied again and again.
    assert_too_large(
        PG,
        &format!(
            "WITH RECURSIVE r(s, n) AS (SELECT 'ab'::text, 1 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 40) SELECT length({}) FROM r",
            chain("s", 10)
        ),
        &[],
    );
}

#[test]
fn values_analytics_builds_are_allowed() {
    for dialect in [PG, LITE] {
        for sql in [
            "SELECT name || ' <' || email || '>' AS contact, region || '/' || id AS code FROM customers",
            "SELECT region, group_concat(name, ', '), count(*) FROM customers GROUP BY region",
            "WITH RECURSIVE t(n, path) AS (SELECT 1, 'a' UNION ALL SELECT n + 1, path || '/' || n FROM t WHERE n < 10) SELECT n, path, path || '!' FROM t",
            "WITH a AS (SELECT name || ' ' || email AS who FROM customers), b AS (SELECT who || ' (' || length(who) || ')' AS label FROM a) SELECT upper(label), replace(label, ' ', '_') FROM b",
        ] {
            let sql = if dialect == PG {
                sql.replace("group_concat(", "string_agg(")
            } else {
                sql.to_string()
            };
            assert_allowed(dialect, &sql);
        }
    }
    for sql in [
        "SELECT json_build_object('region', region, 'names', json_agg(name ORDER BY name), 'ids', array_agg(id)) FROM customers GROUP BY region",
        "SELECT concat_ws(', ', name, email, region), format('%s (%s)', name, email), lpad(id::text, 8, '0'), repeat('*', 5) FROM customers",
        "SELECT region, string_agg(DISTINCT status, ', '), array_to_string(array_agg(id), ',') FROM orders GROUP BY region",
    ] {
        assert_allowed(PG, sql);
    }
    // A long chain of stored values is fine: they are the data's size, copied a few hundred
    // times at most.
    let columns = ["name", "email", "region"].repeat(8).join(" || ', ' || ");
    assert_allowed(PG, &format!("SELECT {columns} FROM customers"));
}

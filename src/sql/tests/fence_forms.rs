//! More predicate forms that move inside a fence (`barrier::leakproof`, `barrier::relative`),
//! and the ORDER BY and LIMIT that go inside it (`barrier::order`; past joins: `star_joins`).

use super::*;

#[track_caller]
pub(super) fn governed(dialect: Dialect, sql: &str) -> String {
    run_as_with("analyst", dialect, sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .sql()
        .to_string()
}

#[test]
fn arrays_and_row_values_of_constants_move_inside_the_fence() {
    for (sql, inside) in [
        (
            "SELECT id FROM orders o WHERE o.customer_id = ANY (ARRAY[1, 2, 3])",
            "AND \"orders\".\"customer_id\" = ANY(ARRAY[1, 2, 3]) OFFSET 0)",
        ),
        (
            "SELECT id FROM orders WHERE status <> ALL ('{pending,shipped}')",
            "AND \"orders\".\"status\" <> ALL('{pending,shipped}') OFFSET 0)",
        ),
        (
            "SELECT count(*) FROM order_lines WHERE (order_id, line_no) IN ((1, 1), (2, 1))",
            "AND (\"order_lines\".\"order_id\", \"order_lines\".\"line_no\") IN ((1, 1), (2, 1)) OFFSET 0)",
        ),
        (
            "SELECT count(*) FROM order_lines l WHERE (l.order_id, l.line_no) = (7, 1)",
            "AND (\"order_lines\".\"order_id\", \"order_lines\".\"line_no\") = (7, 1) OFFSET 0)",
        ),
    ] {
        let out = governed(PG, sql);
        assert!(out.contains(inside), "{sql}: {out}");
    }
    // What could raise, or compare across types, stays above the fence.
    for (sql, outside) in [
        // integer against numeric
        (
            "SELECT id FROM orders WHERE id = ANY (ARRAY[1, 2.5])",
            "OFFSET 0) AS \"orders\" WHERE id = ANY(ARRAY[1, 2.5])",
        ),
        // a cast that runs on each element
        (
            "SELECT id FROM orders WHERE id = ANY ('{1,2}'::numeric[])",
            "OFFSET 0) AS \"orders\" WHERE id = ANY('{1,2}'::NUMERIC[])",
        ),
        // a numeric column (its comparison is not leakproof)
        (
            "SELECT count(*) FROM order_lines WHERE unit_price = ANY (ARRAY[1, 2])",
            "OFFSET 0) AS \"order_lines\" WHERE unit_price = ANY(ARRAY[1, 2])",
        ),
        (
            "SELECT count(*) FROM order_lines WHERE (order_id, unit_price) IN ((1, 1), (2, 1))",
            "OFFSET 0) AS \"order_lines\" WHERE (order_id, unit_price) IN ((1, 1), (2, 1))",
        ),
        // an element that is an expression
        (
            "SELECT count(*) FROM order_lines WHERE (order_id, line_no) IN ((1, 1), (2, 1 / 0))",
            "OFFSET 0) AS \"order_lines\" WHERE (order_id, line_no) IN ((1, 1), (2, 1 / 0))",
        ),
        (
            "SELECT count(*) FROM order_lines WHERE (order_id, line_no) IN ((1, 1), (2, 1, 3))",
            "OFFSET 0) AS \"order_lines\" WHERE (order_id, line_no) IN ((1, 1), (2, 1, 3))",
        ),
        // a subquery's rows
        (
            "SELECT id FROM orders WHERE id = ANY (SELECT order_id FROM order_lines)",
            "OFFSET 0) AS \"orders\" WHERE id = ANY(SELECT",
        ),
    ] {
        let out = governed(PG, sql);
        assert!(out.contains(outside), "{sql}: {out}");
    }
}

#[test]
fn fetch_first_goes_inside_the_fence_as_a_limit() {
    // (SQLite has no FETCH FIRST.)
    for (sql, inside) in [
        (
            "SELECT o.id, o.status FROM orders o ORDER BY o.id DESC FETCH FIRST 3 ROWS ONLY",
            "ORDER BY \"orders\".\"id\" DESC LIMIT 3 OFFSET 0)",
        ),
        (
            "SELECT id FROM orders ORDER BY id OFFSET 2 ROWS FETCH NEXT 3 ROWS ONLY",
            "ORDER BY \"orders\".\"id\" LIMIT 5 OFFSET 0)",
        ),
        (
            "SELECT id FROM orders ORDER BY id FETCH FIRST ROW ONLY",
            "ORDER BY \"orders\".\"id\" LIMIT 1 OFFSET 0)",
        ),
        // No more than the row cap allows (100 here).
        (
            "SELECT id FROM orders ORDER BY id FETCH FIRST 100000 ROWS ONLY",
            "ORDER BY \"orders\".\"id\" LIMIT 101 OFFSET 0)",
        ),
    ] {
        let out = governed(PG, sql);
        assert!(out.contains(inside), "{sql}: {out}");
    }
    // Scalar functions and subqueries in the output compute a value per row: the rows are the
    // same, and the ORDER BY and LIMIT go inside.
    for dialect in [PG, LITE] {
        for sql in [
            "SELECT id, upper(status) AS s, round(id / 3) FROM orders ORDER BY id LIMIT 5",
            "SELECT o.id, (SELECT sum(l.quantity) FROM order_lines l WHERE l.order_id = o.id) AS items FROM orders o ORDER BY o.id LIMIT 5",
            "SELECT id, EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id) AS has_lines FROM orders ORDER BY id LIMIT 5",
        ] {
            let out = governed(dialect, sql);
            assert!(
                out.contains("ORDER BY \"orders\".\"id\" LIMIT 5 OFFSET 0)"),
                "{sql}: {out}"
            );
        }
    }
    // WITH TIES keeps the rows tied with the last: nothing goes inside.
    let sql = "SELECT id, status FROM orders ORDER BY status FETCH FIRST 3 ROWS WITH TIES";
    let out = governed(PG, sql);
    assert!(
        !out.contains("ORDER BY \"orders\"") && out.contains("FETCH FIRST 3 ROWS WITH TIES"),
        "{sql}: {out}"
    );
}

/// The governed SQL inside the orders fence, and after it.
#[track_caller]
fn orders_fence(dialect: Dialect, sql: &str) -> (String, String) {
    let out = governed(dialect, sql);
    let end = out
        .find(" OFFSET 0)")
        .unwrap_or_else(|| panic!("{sql}: no fence in {out}"));
    let start = out.find("FROM \"").unwrap_or(0);
    (out[start..end].to_string(), out[end..].to_string())
}

#[test]
fn times_relative_to_now_of_the_column_type_move_inside_the_fence() {
    for (sql, inside) in [
        // timestamp against timestamp
        (
            "SELECT id FROM orders WHERE ordered_at >= current_date - interval '90 days'",
            "AND \"orders\".\"ordered_at\" >= current_date - INTERVAL '90 days'",
        ),
        (
            "SELECT id FROM orders WHERE ordered_at >= localtimestamp - '1 month'::interval",
            "AND \"orders\".\"ordered_at\" >= localtimestamp - '1 month'::INTERVAL",
        ),
        // A date against a timestamp: cast as the comparison would cast it (its midnight).
        (
            "SELECT id FROM orders WHERE ordered_at > current_date - 30",
            "AND \"orders\".\"ordered_at\" > CAST(current_date - 30 AS TIMESTAMP)",
        ),
        (
            "SELECT id FROM orders o WHERE o.ordered_at < CURRENT_DATE::date + 1",
            "AND \"orders\".\"ordered_at\" < CAST(CURRENT_DATE::DATE + 1 AS TIMESTAMP)",
        ),
        (
            "SELECT id FROM orders WHERE ordered_at BETWEEN current_date - 7 AND localtimestamp",
            "AND \"orders\".\"ordered_at\" BETWEEN CAST(current_date - 7 AS TIMESTAMP) AND localtimestamp",
        ),
        // date_trunc of a timestamp stays a timestamp; PostgreSQL's plural spellings count
        (
            "SELECT id FROM orders WHERE ordered_at >= date_trunc('Weeks', localtimestamp)",
            "AND \"orders\".\"ordered_at\" >= date_trunc('Weeks', localtimestamp)",
        ),
    ] {
        let (inside_sql, after) = orders_fence(PG, sql);
        assert!(inside_sql.contains(inside), "{sql}: {inside_sql}");
        assert!(
            !after.contains("WHERE"),
            "{sql}: left above the fence: {after}"
        );
    }
    // With nothing left above, ORDER BY and LIMIT go inside too.
    let (inside, _) = orders_fence(
        PG,
        "SELECT id FROM orders WHERE ordered_at >= current_date - 7 ORDER BY ordered_at DESC LIMIT 10",
    );
    assert!(
        inside.ends_with("ORDER BY \"orders\".\"ordered_at\" DESC LIMIT 10"),
        "{inside}"
    );
}

#[test]
fn times_relative_to_now_of_another_type_bound_the_fence_loosely() {
    // `now()` is a timestamptz; the demo's `ordered_at` a timestamp. The comparison across the
    // two is not leakproof and stays above; the fence gets a copy two days looser.
    for (sql, inside, above) in [
        (
            "SELECT id FROM orders WHERE ordered_at >= now() - interval '30 days'",
            "AND \"orders\".\"ordered_at\" >= CAST((now() - INTERVAL '30 days') - INTERVAL '2 days' AS TIMESTAMP)",
            "WHERE ordered_at >= now() - INTERVAL '30 days'",
        ),
        (
            "SELECT id FROM orders WHERE now() > ordered_at",
            "AND \"orders\".\"ordered_at\" <= CAST(now() + INTERVAL '2 days' AS TIMESTAMP)",
            "WHERE now() > ordered_at",
        ),
        (
            "SELECT id FROM orders o WHERE o.ordered_at >= date_trunc('month', current_date)",
            "AND \"orders\".\"ordered_at\" >= CAST(date_trunc('month', current_date) - INTERVAL '2 days' AS TIMESTAMP)",
            "WHERE o.ordered_at >= date_trunc('month', current_date)",
        ),
        (
            "SELECT id FROM orders WHERE ordered_at BETWEEN '2025-01-01' AND CURRENT_TIMESTAMP",
            "AND \"orders\".\"ordered_at\" >= '2025-01-01' AND \"orders\".\"ordered_at\" <= CAST(CURRENT_TIMESTAMP + INTERVAL '2 days' AS TIMESTAMP)",
            "WHERE ordered_at BETWEEN '2025-01-01' AND CURRENT_TIMESTAMP",
        ),
        (
            "SELECT id FROM orders WHERE ordered_at = now() - INTERVAL '7' DAY",
            "AND \"orders\".\"ordered_at\" >= CAST((now() - INTERVAL '7' DAY) - INTERVAL '2 days' AS TIMESTAMP) AND \"orders\".\"ordered_at\" <= CAST((now() - INTERVAL '7' DAY) + INTERVAL '2 days' AS TIMESTAMP)",
            "WHERE ordered_at = now() - INTERVAL '7' DAY",
        ),
    ] {
        let (inside_sql, after) = orders_fence(PG, sql);
        assert!(inside_sql.contains(inside), "{sql}: {inside_sql}");
        assert!(after.contains(above), "{sql}: {after}");
    }
    // The predicate above the fence keeps ORDER BY and LIMIT above it too.
    let (inside, after) = orders_fence(
        PG,
        "SELECT id FROM orders WHERE ordered_at >= now() - interval '7 days' ORDER BY id LIMIT 10",
    );
    assert!(!inside.contains("ORDER BY"), "{inside}");
    assert!(after.ends_with("ORDER BY id LIMIT 10"), "{after}");
}

#[test]
fn only_clock_times_in_range_count_as_relative() {
    for sql in [
        // volatile: a different value on every row
        "SELECT id FROM orders WHERE ordered_at > clock_timestamp() - interval '3 days'",
        // an offset that could leave the range of timestamps, and raise
        "SELECT id FROM orders WHERE ordered_at > now() - interval '300000 years'",
        "SELECT id FROM orders WHERE ordered_at > current_date - 99999999",
        "SELECT id FROM orders WHERE ordered_at > date_trunc('fortnight', now())",
        // plurals PostgreSQL does not know (they raise)
        "SELECT id FROM orders WHERE ordered_at > date_trunc('quarters', localtimestamp)",
        "SELECT id FROM orders WHERE ordered_at > date_trunc('centurys', now())",
        "SELECT id FROM orders WHERE ordered_at > now() - interval '3 fortnights'",
        "SELECT id FROM orders WHERE ordered_at > now() - interval '3 days ago'",
        "SELECT id FROM orders WHERE ordered_at > now() - interval '1.5 days'",
        "SELECT id FROM orders WHERE ordered_at > now() - interval '1' year to month",
        // a column inside, or the column under a function
        "SELECT id FROM orders WHERE ordered_at::date = current_date",
        "SELECT id FROM orders WHERE now() - ordered_at < interval '1 day'",
        "SELECT id FROM orders WHERE ordered_at > now() - (id * interval '1 day')",
        // not a bound
        "SELECT id FROM orders WHERE ordered_at <> now()",
        "SELECT id FROM orders WHERE ordered_at NOT BETWEEN now() - interval '1 day' AND now()",
        // a qualified or windowed name is not the clock
        "SELECT id FROM orders WHERE ordered_at > pg_catalog.now()",
    ] {
        let out = governed(PG, sql);
        let end = out.find(" OFFSET 0)").unwrap_or(out.len());
        assert!(
            !out[..end].contains("\"ordered_at\" >") && !out[..end].contains("\"ordered_at\" <"),
            "{sql}: {out}"
        );
    }
    // SQLite: its date functions of literals are constants; of a column they are not.
    let (inside, _) = orders_fence(
        LITE,
        "SELECT id FROM orders WHERE ordered_at > date('now', '-30 days')",
    );
    assert!(
        inside.contains("AND \"orders\".\"ordered_at\" > date('now', '-30 days')"),
        "{inside}"
    );
    for sql in [
        "SELECT id FROM orders WHERE ordered_at > date(ordered_at, '-1 day')",
        "SELECT id FROM orders WHERE ordered_at > date('now', status)",
    ] {
        let (inside, _) = orders_fence(LITE, sql);
        assert!(!inside.contains("\"ordered_at\" >"), "{sql}: {inside}");
    }
}

#[test]
fn times_relative_to_now_against_a_date_column() {
    // The support role sees customers' `birth_date` (a date), in its region only.
    let governed = |sql: &str| {
        run_as_with("support", PG, sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .sql()
            .to_string()
    };
    for (sql, inside, above) in [
        // date against date: the comparison itself moves in
        (
            "SELECT id FROM customers WHERE birth_date > current_date - 10000",
            "AND \"customers\".\"birth_date\" > current_date - 10000 OFFSET 0)",
            None,
        ),
        // a timestamptz against the date: a looser copy cast to a date
        (
            "SELECT id FROM customers WHERE birth_date <= now() - interval '30 years'",
            "AND \"customers\".\"birth_date\" <= CAST((now() - INTERVAL '30 years') + INTERVAL '2 days' AS DATE) OFFSET 0)",
            Some("WHERE birth_date <= now() - INTERVAL '30 years'"),
        ),
        // a timestamp (a date plus an interval) against the date: the same
        (
            "SELECT id FROM customers WHERE birth_date >= current_date - interval '40 years'",
            "AND \"customers\".\"birth_date\" >= CAST((current_date - INTERVAL '40 years') - INTERVAL '2 days' AS DATE) OFFSET 0)",
            Some("WHERE birth_date >= current_date - INTERVAL '40 years'"),
        ),
    ] {
        let out = governed(sql);
        assert!(out.contains(inside), "{sql}: {out}");
        match above {
            Some(text) => assert!(out.contains(text), "{sql}: {out}"),
            None => assert!(
                !out.contains("OFFSET 0) AS \"customers\" WHERE"),
                "{sql}: {out}"
            ),
        }
    }
}

#[test]
fn order_and_limit_of_a_plain_single_table_select_go_inside_the_fence() {
    for dialect in [PG, LITE] {
        // The caller's LIMIT (capped), with its OFFSET added.
        let out = governed(
            dialect,
            "SELECT id, status FROM orders WHERE id > 5 ORDER BY ordered_at DESC, id LIMIT 10 OFFSET 20",
        );
        assert!(
            out.contains(
                "\"orders\".\"id\" > 5 ORDER BY \"orders\".\"ordered_at\" DESC, \"orders\".\"id\" LIMIT 30 OFFSET 0)"
            ),
            "{out}"
        );
        assert!(
            out.ends_with("ORDER BY ordered_at DESC, id LIMIT 10 OFFSET 20"),
            "{out}"
        );
        // No LIMIT: the row cap's (100 here), for the outermost query only.
        let out = governed(dialect, "SELECT * FROM orders o ORDER BY o.id");
        assert!(
            out.contains("ORDER BY \"orders\".\"id\" LIMIT 101 OFFSET 0)"),
            "{out}"
        );
        let out = governed(
            dialect,
            "SELECT n FROM (SELECT count(*) AS n FROM (SELECT id FROM orders ORDER BY id) x) y",
        );
        assert!(!out.contains("ORDER BY \"orders\""), "{out}");
        // A caller's LIMIT larger than the cap reads no more than the cap allows.
        let out = governed(dialect, "SELECT id FROM orders ORDER BY id LIMIT 100000");
        assert!(out.contains("LIMIT 101 OFFSET 0)"), "{out}");
    }
}

#[test]
fn order_and_limit_stay_outside_where_moving_them_would_change_the_rows() {
    let mut checked = 0;
    for (sql, why) in [
        (
            "SELECT id FROM orders WHERE status || 'x' = 'ax' ORDER BY id LIMIT 5",
            "a WHERE left above the fence",
        ),
        (
            "SELECT count(*) FROM orders ORDER BY 1 LIMIT 5",
            "an aggregate",
        ),
        (
            "SELECT id, count(*) OVER () FROM orders ORDER BY id LIMIT 5",
            "a window function",
        ),
        (
            "SELECT id, generate_series(1, 2) FROM orders ORDER BY id LIMIT 5",
            "a set-returning function in the output",
        ),
        (
            "SELECT id, upper(status), lower(max(status)) FROM orders ORDER BY id LIMIT 5",
            "an aggregate inside a scalar function",
        ),
        (
            "SELECT id, (SELECT 1) AS one, hex(status) FROM orders ORDER BY id LIMIT 5",
            "a function not known to be scalar",
        ),
        (
            "SELECT DISTINCT status FROM orders ORDER BY status LIMIT 5",
            "DISTINCT",
        ),
        (
            "SELECT status FROM orders GROUP BY status ORDER BY status LIMIT 5",
            "GROUP BY",
        ),
        (
            "SELECT id, status AS ordered_at FROM orders ORDER BY ordered_at LIMIT 5",
            "an output alias",
        ),
        (
            "SELECT id FROM orders ORDER BY id + 1 LIMIT 5",
            "an expression",
        ),
        ("SELECT id FROM orders ORDER BY 1 LIMIT 5", "a position"),
        (
            "SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id ORDER BY o.id LIMIT 5",
            "a join that may repeat a row (see fence_forms for joins that keep them one for one)",
        ),
        (
            "SELECT id FROM orders ORDER BY id LIMIT $1",
            "a LIMIT that is not a number",
        ),
        (
            "SELECT id FROM orders UNION SELECT id FROM orders ORDER BY 1 LIMIT 5",
            "a set operation",
        ),
    ] {
        for dialect in [PG, LITE] {
            let params = if sql.contains("$1") {
                vec![serde_json::json!(5)]
            } else {
                vec![]
            };
            let Ok(q) = run_as_with("analyst", dialect, sql, &params) else {
                continue;
            };
            let out = q.sql();
            let fence = match dialect {
                Dialect::Postgres => " OFFSET 0)",
                Dialect::Sqlite => " LIMIT -1 OFFSET 0)",
            };
            assert!(out.contains(fence), "{why}: {out}");
            assert!(!out.contains("ORDER BY \"orders\""), "{why}: {out}");
            checked += 1;
        }
    }
    // Each case governs on at least one database (SQLite has no `$1`).
    assert!(checked >= 20, "only {checked} cases governed");
}

#[test]
fn min_and_max_of_a_fenced_table_are_read_from_its_ends() {
    let first = |col: &str, desc: &str| {
        format!(
            "(SELECT \"orders\".\"{col}\" FROM \"public\".\"orders\" WHERE (\"orders\".region = $1) AND \"orders\".\"{col}\" IS NOT NULL ORDER BY \"orders\".\"{col}\"{desc} LIMIT 1 OFFSET 0)"
        )
    };
    for (sql, outputs) in [
        (
            "SELECT min(ordered_at), max(ordered_at) FROM orders",
            format!(
                "SELECT {} AS \"min\", {} AS \"max\"",
                first("ordered_at", ""),
                first("ordered_at", " DESC")
            ),
        ),
        (
            "SELECT MAX(o.id) AS last_id, max(o.ordered_at)::date FROM orders o",
            format!(
                "SELECT {} AS last_id, {}::DATE AS \"max\"",
                first("id", " DESC"),
                first("ordered_at", " DESC")
            ),
        ),
        (
            "SELECT age(now(), min(ordered_at)) AS span FROM orders",
            format!("SELECT age(now(), {}) AS span", first("ordered_at", "")),
        ),
    ] {
        let out = governed(PG, sql);
        assert!(out.starts_with(&outputs), "{sql}: {out}");
        // No FROM left: one row, as the aggregate gives.
        assert!(
            !out.contains("OFFSET 0) AS \"orders\"") && !out.contains("OFFSET 0) o"),
            "{sql}: {out}"
        );
    }
    // Anything else that reads the rows keeps the aggregate over the fence.
    for sql in [
        "SELECT min(ordered_at), count(*) FROM orders",
        "SELECT min(ordered_at) FROM orders WHERE status || 'x' = 'y'",
        "SELECT min(ordered_at) FROM orders GROUP BY status",
        "SELECT min(ordered_at), status FROM orders GROUP BY status",
        "SELECT min(ordered_at + interval '1 day') FROM orders",
        "SELECT min(DISTINCT ordered_at) FROM orders",
        "SELECT min(ordered_at) FILTER (WHERE id > 5) FROM orders",
        "SELECT max(ordered_at) OVER () FROM orders",
        "SELECT max(o.id) FROM orders o JOIN customers c ON c.id = o.customer_id",
        "SELECT max(id), (SELECT 1) FROM orders",
        "SELECT now() FROM orders",
        "SELECT max(ordered_at) FROM orders ORDER BY max(ordered_at)",
        "SELECT max(active) FROM products",
    ] {
        let out = governed(PG, sql);
        assert!(!out.contains("LIMIT 1 OFFSET 0)"), "{sql}: {out}");
    }
    // SQLite names an output by its text: left as it is.
    let out = governed(LITE, "SELECT min(ordered_at) FROM orders");
    assert!(out.starts_with("SELECT min(ordered_at) FROM"), "{out}");
}

//! The row-filter barrier: filtered tables are fenced; only leakproof predicates move inside.

use super::*;

/// The governed SQL of `sql` for the north analyst.
#[track_caller]
fn governed(dialect: Dialect, sql: &str, params: &[serde_json::Value]) -> String {
    run_as_with("analyst", dialect, sql, params)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .sql()
        .to_string()
}

/// The part of the governed SQL inside the fence of the first filtered table, and the rest.
#[track_caller]
fn split(dialect: Dialect, sql: &str) -> (String, String) {
    let out = governed(dialect, sql, &[]);
    let fence = match dialect {
        Dialect::Postgres => " OFFSET 0)",
        Dialect::Sqlite => " LIMIT -1 OFFSET 0)",
    };
    let end = out
        .find(fence)
        .unwrap_or_else(|| panic!("no fence in {out}"));
    let start = out[..end].rfind("(SELECT").unwrap_or(0);
    (
        out[start..end].to_string(),
        format!("{}{}", &out[..start], &out[end..]),
    )
}

#[test]
fn filtered_tables_are_fenced_on_both_databases() {
    let pg = governed(PG, "SELECT count(*) FROM orders", &[]);
    assert!(
        pg.contains("WHERE \"orders\".region = $1 OFFSET 0) AS \"orders\""),
        "{pg}"
    );
    let lite = governed(LITE, "SELECT count(*) FROM orders", &[]);
    assert!(lite.contains("LIMIT -1 OFFSET 0) AS \"orders\""), "{lite}");
    // A table restricted by columns only has no rows to hide: no fence.
    let products = governed(PG, "SELECT name FROM products", &[]);
    assert!(!products.contains("OFFSET"), "{products}");
}

#[test]
fn key_lookups_move_inside_the_fence() {
    for dialect in [PG, LITE] {
        let (inside, outside) = split(dialect, "SELECT * FROM orders WHERE id = 5");
        assert!(inside.contains("\"orders\".\"id\" = 5"), "{inside}");
        assert!(!outside.contains("WHERE"), "{outside}");
        let (inside, _) = split(
            dialect,
            "SELECT o.id FROM orders o WHERE o.id IN (1, 2) AND o.customer_id BETWEEN 1 AND 9 AND (o.status = 'x' OR o.status IS NULL)",
        );
        for part in [
            "\"orders\".\"id\" IN (1, 2)",
            "\"orders\".\"customer_id\" BETWEEN 1 AND 9",
            "(\"orders\".\"status\" = 'x' OR \"orders\".\"status\" IS NULL)",
        ] {
            assert!(inside.contains(part), "{part} not in {inside}");
        }
    }
}

#[test]
fn predicates_that_can_raise_stay_above_the_fence() {
    for dialect in [PG, LITE] {
        for sql in [
            "SELECT count(*) FROM orders WHERE 1/(CASE WHEN customer_id = 15 THEN 0 ELSE 1 END) = 1",
            "SELECT count(*) FROM orders WHERE abs(customer_id) = 1",
            "SELECT count(*) FROM orders WHERE id = 3 OR 1/(CASE WHEN id = 3 THEN 0 ELSE 1 END) = 0",
            "SELECT count(*) FROM orders WHERE status || 'x' = 'ax'",
            "SELECT count(*) FROM orders WHERE status LIKE 'a%'",
            "SELECT count(*) FROM orders WHERE id = (SELECT max(id) FROM products)",
        ] {
            let (inside, outside) = split(dialect, sql);
            assert!(
                !inside.contains("\"orders\".\"") && outside.contains("WHERE"),
                "{sql}: moved inside: {inside}"
            );
        }
    }
}

#[test]
fn postgres_moves_only_comparisons_it_marks_leakproof() {
    // numeric comparisons are not leakproof; date against timestamp is not either, and only a
    // plain date literal can be written as the timestamp it is compared as (below).
    for sql in [
        "SELECT * FROM order_lines WHERE unit_price > 10",
        "SELECT * FROM orders WHERE ordered_at >= DATE 'infinity'",
        "SELECT * FROM orders WHERE ordered_at >= DATE '2025-01-01' + 1",
        "SELECT * FROM orders WHERE ordered_at::date >= DATE '2025-01-01'",
        "SELECT * FROM orders WHERE id = 1.5",
        "SELECT * FROM orders WHERE id = 99999999999999999999",
        "SELECT * FROM orders WHERE status = 5",
    ] {
        let (inside, _) = split(PG, sql);
        assert!(
            inside.matches(" AND ").count() == 0,
            "{sql}: moved inside: {inside}"
        );
    }
    for sql in [
        "SELECT * FROM orders WHERE ordered_at >= '2025-01-01'",
        "SELECT * FROM orders WHERE ordered_at >= TIMESTAMP '2025-01-01 00:00:00'",
        "SELECT * FROM orders WHERE ordered_at < '2025-01-01'::timestamp",
        "SELECT * FROM orders WHERE id = 5::bigint",
        "SELECT * FROM orders WHERE id = -5",
    ] {
        let (inside, _) = split(PG, sql);
        assert!(inside.contains(" AND "), "{sql}: not moved: {inside}");
    }
    // A date literal against a timestamp column is the timestamp of its midnight: written so,
    // the same-type comparison moves in (and PostgreSQL's date index can serve it).
    for (sql, inside_text) in [
        (
            "SELECT * FROM orders WHERE ordered_at >= DATE '2025-01-01'",
            "\"orders\".\"ordered_at\" >= TIMESTAMP '2025-01-01' OFFSET 0",
        ),
        (
            "SELECT * FROM orders WHERE ordered_at < '2025-02-01'::date",
            "\"orders\".\"ordered_at\" < TIMESTAMP '2025-02-01' OFFSET 0",
        ),
        (
            "SELECT * FROM orders o WHERE o.ordered_at BETWEEN CAST('2025-01-01' AS DATE) AND DATE '2025-01-31'",
            "\"orders\".\"ordered_at\" BETWEEN TIMESTAMP '2025-01-01' AND TIMESTAMP '2025-01-31' OFFSET 0",
        ),
    ] {
        let out = governed(PG, sql, &[]);
        assert!(out.contains(inside_text), "{sql}: {out}");
    }
    // SQLite is left as written.
    let out = governed(
        LITE,
        "SELECT * FROM orders WHERE ordered_at >= DATE '2025-01-01'",
        &[],
    );
    assert!(!out.contains("TIMESTAMP"), "{out}");
    // Caller parameters: bound as text, int8, float8 or bool by their JSON type.
    let moved = governed(
        PG,
        "SELECT * FROM orders WHERE status = $1 AND id = $2",
        &[serde_json::json!("shipped"), serde_json::json!(7)],
    );
    assert!(
        moved.contains("\"orders\".\"status\" = $1 AND \"orders\".\"id\" = $2 OFFSET 0"),
        "{moved}"
    );
    let kept = governed(
        PG,
        "SELECT * FROM orders WHERE id = $1",
        &[serde_json::json!("7")],
    );
    assert!(
        kept.contains("OFFSET 0) AS \"orders\" WHERE id = $1"),
        "{kept}"
    );
    // SQLite comparisons never raise: a numeric comparison moves there.
    let (inside, _) = split(LITE, "SELECT * FROM order_lines WHERE unit_price > 10");
    assert!(inside.contains("\"unit_price\" > 10"), "{inside}");
}

#[test]
fn predicates_move_only_where_that_keeps_their_meaning() {
    // The nullable side of a LEFT JOIN keeps its WHERE predicate above; the preserved side
    // takes its own; the join's own ON conjuncts filter the joined table.
    let out = governed(
        PG,
        "SELECT c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status = 'shipped' WHERE o.id = 5 AND c.id = 7",
        &[],
    );
    assert!(out.contains("\"customers\".\"id\" = 7 OFFSET 0"), "{out}");
    assert!(
        out.contains("\"orders\".\"status\" = 'shipped' OFFSET 0"),
        "{out}"
    );
    assert!(
        out.contains("ON o.customer_id = c.id WHERE o.id = 5"),
        "{out}"
    );
    // RIGHT JOIN pads the left side.
    let out = governed(
        PG,
        "SELECT o.id FROM customers c RIGHT JOIN orders o ON o.customer_id = c.id WHERE c.id = 7 AND o.id = 5",
        &[],
    );
    assert!(out.contains("\"orders\".\"id\" = 5 OFFSET 0"), "{out}");
    assert!(out.contains("WHERE c.id = 7"), "{out}");
    // Unqualified names move only when the SELECT reads one table.
    let out = governed(
        PG,
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE status = 'x'",
        &[],
    );
    assert!(out.contains("WHERE status = 'x'"), "{out}");
    // A correlated equality of leakproof-comparable columns moves in (see
    // `a_correlated_key_equality_moves_inside_the_fence_on_postgres`); renamed columns stay.
    let out = governed(
        PG,
        "SELECT c.name, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c",
        &[],
    );
    assert!(
        out.contains("\"orders\".\"customer_id\" = c.id OFFSET 0"),
        "{out}"
    );
    let out = governed(
        PG,
        "SELECT a FROM orders AS o (a, b, c, d, e, f) WHERE a = 5",
        &[],
    );
    assert!(out.contains("WHERE a = 5"), "{out}");
}

#[test]
fn key_ranges_cross_inner_join_equalities_into_the_other_fence() {
    // o.id > 100 moved into the orders fence; o.id = ol.order_id (integer = integer) carries it
    // to order_lines, whose analyst filter goes through orders.
    let out = governed(
        PG,
        "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE o.id > 100",
        &[],
    );
    assert!(out.contains("\"orders\".\"id\" > 100 OFFSET 0"), "{out}");
    assert!(
        out.contains("\"order_lines\".\"order_id\" > 100 OFFSET 0"),
        "{out}"
    );
    // From the ON side too, and with WHERE equalities; IN and BETWEEN keep their shape.
    let out = governed(
        PG,
        "SELECT count(*) FROM order_lines ol, orders o WHERE o.id = ol.order_id AND ol.order_id BETWEEN 5 AND 9",
        &[],
    );
    assert!(
        out.contains("\"orders\".\"id\" BETWEEN 5 AND 9 OFFSET 0"),
        "{out}"
    );
    let out = governed(
        PG,
        "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id AND ol.order_id IN (1, 2)",
        &[],
    );
    assert!(
        out.contains("\"orders\".\"id\" IN (1, 2) OFFSET 0"),
        "{out}"
    );
}

#[test]
fn key_ranges_do_not_cross_where_that_could_change_the_rows() {
    for (sql, why) in [
        (
            "SELECT count(*) FROM orders o LEFT JOIN order_lines ol ON ol.order_id = o.id WHERE o.id > 100",
            "the other table is on the nullable side",
        ),
        (
            "SELECT count(*) FROM order_lines ol LEFT JOIN orders o ON o.id = ol.order_id AND o.id > 100",
            "a LEFT join's ON equality",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id OR o.id = 1 WHERE o.id > 100",
            "an equality under OR",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.customer_id WHERE o.id > 100",
            "the range is on another column",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE o.id <> 100",
            "not a range",
        ),
    ] {
        let out = governed(PG, sql, &[]);
        assert!(
            !out.contains("\"order_lines\".\"order_id\" >"),
            "{why}: {out}"
        );
        assert!(
            !out.contains("\"order_lines\".\"order_id\" <>"),
            "{why}: {out}"
        );
    }
    // SQLite compares across types by affinity: nothing is derived there.
    let out = governed(
        LITE,
        "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE o.id > 100",
        &[],
    );
    assert!(!out.contains("\"order_lines\".\"order_id\" > 100"), "{out}");
}

#[test]
fn a_range_on_a_child_key_goes_into_the_row_filters_semi_join() {
    // order_lines' row filter is `order_id IN (SELECT id FROM orders WHERE region = ...)`: a
    // range on order_id bounds that subquery's `id` too, written or carried across a join.
    for (sql, sub) in [
        (
            "SELECT count(*) FROM order_lines l WHERE l.order_id BETWEEN 1000 AND 2000",
            "id BETWEEN 1000 AND 2000)",
        ),
        (
            "SELECT * FROM order_lines WHERE order_id IN (5, 17) AND order_id > 3",
            "id IN (5, 17) AND id > 3)",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.id < 50",
            "id < 50)",
        ),
    ] {
        let out = governed(PG, sql, &[]);
        let Some((_, rest)) = out.split_once("FROM \"public\".\"orders\" WHERE region = $") else {
            panic!("{sql}: no row filter subquery in {out}");
        };
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        assert!(rest.starts_with(&format!(" AND {sub}")), "{sql}: {out}");
    }
    // Not a range of that column, not leakproof, or SQLite: the subquery stays as written.
    for sql in [
        "SELECT count(*) FROM order_lines l WHERE l.line_no BETWEEN 1 AND 2",
        "SELECT count(*) FROM order_lines l WHERE l.order_id <> 7",
        "SELECT count(*) FROM order_lines l WHERE l.order_id > 1.5",
        "SELECT count(*) FROM order_lines l WHERE l.order_id NOT BETWEEN 1 AND 9",
        "SELECT count(*) FROM order_lines l WHERE l.order_id > l.line_no",
        "SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id < 50",
    ] {
        let out = governed(PG, sql, &[]);
        assert!(out.contains("WHERE region = $"), "{sql}: {out}");
        assert!(!out.contains(" AND id "), "{sql}: {out}");
    }
    let out = governed(
        LITE,
        "SELECT count(*) FROM order_lines l WHERE l.order_id BETWEEN 1000 AND 2000",
        &[],
    );
    assert!(out.contains("WHERE region = "), "{out}");
    assert!(!out.contains(" AND id "), "{out}");
}

#[test]
fn a_narrowed_fence_hands_its_keys_to_the_other_fence_of_an_inner_join() {
    // o.status moved into the orders fence; o.id = ol.order_id carries that fence's keys into
    // order_lines' fence, the orders fence itself selecting the key.
    let keys = "\"order_lines\".\"order_id\" IN (SELECT \"id\" FROM \"public\".\"orders\" WHERE (\"orders\".region = $";
    let narrowed = "AND \"orders\".\"status\" = 'shipped' OFFSET 0) OFFSET 0) ";
    for sql in [
        "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE o.status = 'shipped'",
        "SELECT count(*) FROM order_lines ol JOIN orders o ON o.id = ol.order_id AND o.status = 'shipped'",
        "SELECT count(*) FROM order_lines ol, orders o WHERE o.status = 'shipped' AND ol.order_id = o.id",
    ] {
        let out = governed(PG, sql, &[]);
        assert!(out.contains(keys), "{sql}: {out}");
        assert!(out.contains(narrowed), "{sql}: {out}");
        assert_eq!(out.matches(" IN (SELECT \"id\" FROM").count(), 1, "{out}");
    }
    for (sql, why) in [
        (
            "SELECT count(*) FROM orders o LEFT JOIN order_lines ol ON ol.order_id = o.id WHERE o.status = 'shipped'",
            "the lines are on the nullable side",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id",
            "nothing narrowed either fence",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE o.status || 'x' = 'shippedx'",
            "the caller's predicate can raise and stays above the fence",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id OR ol.line_no = 1 WHERE o.status = 'shipped'",
            "an equality under OR",
        ),
        (
            "SELECT count(*) FROM orders o JOIN customers c ON c.name = o.status WHERE o.status = 'shipped'",
            "the keys are not integers",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE o.id > 100",
            "a range on the key itself is carried across as a range",
        ),
        (
            "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id \
             WHERE o.status = 'shipped' AND ol.quantity > 3",
            "the caller narrowed the lines too",
        ),
        (
            "SELECT count(*) FROM order_lines ol JOIN orders o ON o.id = ol.order_id WHERE ol.quantity > 3",
            "the narrowed side's column is no primary key (the many side)",
        ),
    ] {
        let out = governed(PG, sql, &[]);
        assert!(!out.contains("IN (SELECT \"id\" FROM"), "{why}: {out}");
        assert!(!out.contains("IN (SELECT \"status\" FROM"), "{why}: {out}");
        assert!(
            !out.contains("IN (SELECT \"order_id\" FROM"),
            "{why}: {out}"
        );
        assert!(!out.contains("'shippedx' OFFSET 0)"), "{why}: {out}");
    }
    // Down a chain of parents: customers narrowed, orders take their keys, and order_lines
    // take the keys of orders so reduced.
    let out = governed(
        PG,
        "SELECT count(*) FROM customers c JOIN orders o ON o.customer_id = c.id \
         JOIN order_lines l ON l.order_id = o.id WHERE c.city = 'Detroit'",
        &[],
    );
    let customers =
        " IN (SELECT \"id\" FROM \"public\".\"customers\" WHERE (\"customers\".region = $";
    assert_eq!(out.matches(customers).count(), 2, "{out}");
    assert!(
        out.contains("\"order_lines\".\"order_id\" IN (SELECT \"id\" FROM \"public\".\"orders\""),
        "{out}"
    );
    // A fence that reads an outer query's column hands no keys (inside another fence, an outer
    // name could mean that fence's own table); the same fence narrowed by a constant does.
    for (sql, keys) in [
        (
            "SELECT o.id FROM orders o WHERE (SELECT count(*) FROM order_lines l JOIN orders o2 \
             ON o2.id = l.order_id WHERE o2.customer_id = o.customer_id) > 1",
            0,
        ),
        (
            "SELECT o.id FROM orders o WHERE (SELECT count(*) FROM order_lines l JOIN orders o2 \
             ON o2.id = l.order_id WHERE o2.customer_id = 7) > 1",
            1,
        ),
    ] {
        let out = governed(PG, sql, &[]);
        assert_eq!(
            out.matches(" IN (SELECT \"id\"").count(),
            keys,
            "{sql}: {out}"
        );
        assert!(out.matches("o.customer_id").count() <= 1, "{sql}: {out}");
    }
    // SQLite: no fence takes another's keys.
    let out = governed(
        LITE,
        "SELECT count(*) FROM orders o JOIN order_lines ol ON ol.order_id = o.id WHERE o.status = 'shipped'",
        &[],
    );
    assert!(!out.contains("IN (SELECT \"id\" FROM"), "{out}");
}

#[test]
fn a_correlated_key_equality_moves_inside_the_fence_on_postgres() {
    // Per outer order, an index lookup of its lines, not the whole filtered order_lines.
    let out = governed(
        PG,
        "SELECT o.id FROM orders o WHERE (SELECT sum(l.quantity) FROM order_lines l WHERE l.order_id = o.id) > 10",
        &[],
    );
    assert!(
        out.contains("AND (\"order_lines\".\"order_id\" = o.id) OFFSET 0")
            || out.contains("AND \"order_lines\".\"order_id\" = o.id OFFSET 0"),
        "{out}"
    );
    // Same-type text equality is leakproof too; numeric equality is not, and stays outside.
    let out = governed(
        PG,
        "SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.status = c.name)",
        &[],
    );
    assert!(
        out.contains("\"orders\".\"status\" = c.name OFFSET 0"),
        "{out}"
    );
    let out = governed(
        PG,
        "SELECT p.id FROM products p WHERE EXISTS (SELECT 1 FROM order_lines l WHERE l.unit_price = p.price)",
        &[],
    );
    assert!(!out.contains("= p.price OFFSET 0"), "{out}");
    assert!(out.contains("l.unit_price = p.price"), "{out}");
    // A qualifier of this SELECT's own FROM is no outer reference (a join: key ranges only).
    let out = governed(
        PG,
        "SELECT count(*) FROM orders o, order_lines l WHERE l.order_id = o.id",
        &[],
    );
    assert!(!out.contains("= o.id OFFSET 0"), "{out}");
    assert!(!out.contains("= \"o\".\"id\" OFFSET 0"), "{out}");
    // SQLite keeps it outside.
    let out = governed(
        LITE,
        "SELECT o.id FROM orders o WHERE (SELECT sum(l.quantity) FROM order_lines l WHERE l.order_id = o.id) > 10",
        &[],
    );
    assert!(!out.contains("= o.id LIMIT -1 OFFSET 0"), "{out}");
}

#[test]
fn an_outer_name_that_several_scopes_have_stays_outside_the_fence() {
    // `q` is both the outermost numeric derived table and a sibling the derived table `x`
    // cannot see (not LATERAL): PostgreSQL binds the outer one, numeric, not leakproof.
    let out = governed(
        PG,
        "SELECT (SELECT max(x.n) FROM orders q, (SELECT count(*) AS n FROM order_lines l WHERE l.order_id = q.id) x) AS k \
         FROM (SELECT 1.0 AS id UNION ALL SELECT 4.0) q",
        &[],
    );
    assert!(!out.contains("= q.id OFFSET 0"), "{out}");
}

#[test]
fn names_longer_than_postgres_keeps_are_refused() {
    let x = "a".repeat(63) + "x";
    let y = "a".repeat(63) + "y";
    let sql = format!(
        "SELECT {x}.id, (SELECT count(*) FROM order_lines l, customers {y} WHERE l.order_id = {x}.id) AS n FROM orders {x}"
    );
    let catalog = catalog(PG);
    let policy = compile_default(crate::policy::Limits::default(), PG, &catalog);
    let attrs = Default::default();
    let ctx = GovernContext {
        dialect: PG,
        catalog: &catalog,
        policy: &policy,
        attrs: &attrs,
        max_sql_len: 100_000,
    };
    assert!(matches!(
        govern(&sql, &[], Purpose::Query { max_rows: 10 }, &ctx),
        Err(GovernError::Denied(d)) if d.rule == Rule::UnsupportedSyntax
    ));
}

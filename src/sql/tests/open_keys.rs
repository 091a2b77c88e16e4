//! Keys from a table without a row filter into a fence (`barrier::open`): the demo analyst's
//! products hide a column but filter no row.

use super::*;

#[track_caller]
fn governed(dialect: Dialect, sql: &str) -> String {
    run_as_with("analyst", dialect, sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .sql()
        .to_string()
}

/// The start of the subquery a product hand-off puts in the lines' fence.
const KEYS: &str = "\"order_lines\".\"product_id\" IN (SELECT \"p\".\"id\" FROM \"public\".\"products\" AS \"p\" WHERE ";

#[test]
fn a_narrowed_open_table_hands_its_keys_to_the_fence() {
    for (sql, preds) in [
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = 'Books'",
            "WHERE p.category = 'Books')",
        ),
        (
            "SELECT count(*) FROM products p JOIN order_lines l ON l.product_id = p.id AND p.category = 'Books' AND p.active = true",
            "WHERE p.category = 'Books' AND p.active = true)",
        ),
        (
            "SELECT count(*) FROM order_lines l, products p WHERE p.sku IN ('BOO-0091', 'TOY-0067') AND l.product_id = p.id",
            "WHERE p.sku IN ('BOO-0091', 'TOY-0067'))",
        ),
        // A boolean column is a predicate of its own, and evaluating it cannot raise.
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE NOT p.active",
            "WHERE NOT p.active)",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.active IS NOT TRUE",
            "WHERE p.active IS NOT TRUE)",
        ),
    ] {
        let out = governed(PG, sql);
        let at = out.find(KEYS).unwrap_or_else(|| panic!("{sql}: {out}"));
        let fence_end = out[at..].find(" OFFSET 0)").map(|e| at + e);
        let rest = &out[at..fence_end.unwrap_or(out.len())];
        // The subquery reads the products through the caller's predicates only, inside the
        // lines' fence.
        assert!(rest.ends_with(preds), "{sql}: {rest}");
        assert_eq!(out.matches(KEYS).count(), 1, "{out}");
    }
}

#[test]
fn a_range_of_the_open_key_itself_is_carried_as_a_range() {
    let out = governed(
        PG,
        "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.id IN (67, 74)",
    );
    assert!(
        out.contains("AND \"order_lines\".\"product_id\" IN (67, 74) OFFSET 0)"),
        "{out}"
    );
    assert!(!out.contains(KEYS), "{out}");
}

#[test]
fn open_keys_are_handed_only_where_they_keep_the_rows_and_leak_nothing() {
    for (sql, why) in [
        (
            "SELECT count(*) FROM order_lines l LEFT JOIN products p ON p.id = l.product_id AND p.category = 'Books'",
            "the products are on the nullable side",
        ),
        (
            "SELECT count(*) FROM order_lines l RIGHT JOIN products p ON p.id = l.product_id WHERE p.category = 'Books'",
            "the lines are on the nullable side",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.name || 'x' = 'Deskx'",
            "the caller's predicate is not leakproof",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.price > 10",
            "numeric comparisons are not leakproof",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.name IS NOT TRUE",
            "a text column is no predicate of its own (PostgreSQL would cast it, and may raise)",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = 'Books' OR l.quantity > 3",
            "the predicate reads the lines too",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = 'Books' AND l.quantity > 3",
            "the caller narrowed the lines themselves",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id",
            "nothing narrowed the products",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN products p ON p.name = l.line_no::text WHERE p.category = 'Books'",
            "not the products' key",
        ),
        (
            "SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = c.segment)",
            "the predicate reads an outer query's column",
        ),
        (
            "WITH products AS (SELECT 67 AS id, 'Books' AS category) SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = 'Books'",
            "a CTE named like a table is no table",
        ),
        (
            "SELECT count(*) FROM order_lines l JOIN (SELECT id, category FROM products) p ON p.id = l.product_id WHERE p.category = 'Books'",
            "the caller's own derived table",
        ),
    ] {
        let out = governed(PG, sql);
        assert!(!out.contains("\"product_id\" IN (SELECT"), "{why}: {out}");
    }
    // SQLite compares without raising and plans joins into its fences' rows itself.
    let out = governed(
        LITE,
        "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = 'Books'",
    );
    assert!(!out.contains("\"product_id\" IN (SELECT"), "{out}");
}

#[test]
fn open_and_fenced_parents_both_hand_their_keys() {
    // The month's orders and the category's products both narrow the lines; the lines'
    // fence takes both sets of keys (PostgreSQL picks the smaller), the products' once.
    let out = governed(
        PG,
        "SELECT p.category, sum(l.quantity) FROM orders o JOIN order_lines l ON l.order_id = o.id \
         JOIN products p ON p.id = l.product_id \
         WHERE o.ordered_at >= '2024-12-01' AND o.ordered_at < '2025-01-01' AND p.category = 'Books' \
         GROUP BY p.category",
    );
    assert_eq!(out.matches(KEYS).count(), 1, "{out}");
    assert!(
        out.contains("\"order_lines\".\"order_id\" IN (SELECT \"id\" FROM \"public\".\"orders\""),
        "{out}"
    );
    // A product predicate that raises stays above every fence.
    let out = governed(
        PG,
        "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id \
         WHERE p.category = 'Books' AND 1 / (p.id - 67) > 0",
    );
    let at = out.find(KEYS).unwrap_or_else(|| panic!("{out}"));
    let inside = &out[at..out[at..].find(" OFFSET 0)").map_or(out.len(), |e| at + e)];
    assert!(!inside.contains("1 / "), "{out}");
    assert!(
        out.contains("WHERE p.category = 'Books' AND 1 / (p.id - 67) > 0"),
        "{out}"
    );
}

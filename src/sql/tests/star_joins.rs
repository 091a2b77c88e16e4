//! ORDER BY and LIMIT inside a fence past joins that keep its rows one for one
//! (`barrier::star`).

use super::fence_forms::governed;
use super::*;

#[test]
fn order_and_limit_go_inside_past_joins_that_keep_the_rows_one_for_one() {
    for (sql, inside) in [
        // A filtered parent: the child's fence keeps the rows whose parent the role sees.
        (
            "SELECT o.id, o.ordered_at, c.name FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC LIMIT 10",
            "AND \"orders\".\"customer_id\" IN (SELECT \"id\" FROM \"public\".\"customers\" WHERE \"customers\".region = $2) ORDER BY \"orders\".\"ordered_at\" DESC LIMIT 10 OFFSET 0)",
        ),
        // A table without a row filter (the analyst's products hide a column only).
        (
            "SELECT l.order_id, p.name FROM order_lines l INNER JOIN products p ON (l.product_id = p.id) ORDER BY l.order_id DESC, l.line_no LIMIT 5",
            "AND \"order_lines\".\"product_id\" IN (SELECT \"p\".\"id\" FROM \"public\".\"products\" AS \"p\") ORDER BY \"order_lines\".\"order_id\" DESC, \"order_lines\".\"line_no\" LIMIT 5 OFFSET 0)",
        ),
        // Written from the other table, or with the ordered table in the middle of a star.
        (
            "SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY o.ordered_at DESC LIMIT 10",
            "AND \"orders\".\"customer_id\" IN (SELECT \"id\" FROM \"public\".\"customers\" WHERE \"customers\".region = $1) ORDER BY \"orders\".\"ordered_at\" DESC LIMIT 10 OFFSET 0)",
        ),
        (
            "SELECT o.status, l.line_no, p.name FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id ORDER BY l.order_id DESC, l.line_no LIMIT 5",
            "AND \"order_lines\".\"product_id\" IN (SELECT \"p\".\"id\" FROM \"public\".\"products\" AS \"p\") ORDER BY \"order_lines\".\"order_id\" DESC, \"order_lines\".\"line_no\" LIMIT 5 OFFSET 0)",
        ),
        // Both, and the parent narrowed by the caller: its keys are handed once.
        (
            "SELECT l.order_id, o.status, p.sku FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id WHERE o.status = 'shipped' ORDER BY l.order_id LIMIT 3",
            "ORDER BY \"order_lines\".\"order_id\" LIMIT 3 OFFSET 0)",
        ),
    ] {
        let out = governed(PG, sql);
        assert!(out.contains(inside), "{sql}: {out}");
        let lines_fence = out.find("FROM \"public\".\"order_lines\"").unwrap_or(0);
        assert!(
            out[lines_fence..]
                .matches("\"order_lines\".\"order_id\" IN (SELECT")
                .count()
                <= 1,
            "{sql}: {out}"
        );
        // The keys are read without a fence of their own, so PostgreSQL may look each up.
        assert!(!out.contains("OFFSET 0) ORDER BY"), "{sql}: {out}");
    }
    // Where the join could drop or repeat a row, or the order is not the fence's own: nothing
    // goes inside.
    for sql in [
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id AND c.name || 'x' = 'y' ORDER BY o.id LIMIT 5",
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.name || 'x' = 'y' ORDER BY o.id LIMIT 5",
        "SELECT c.id FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY c.id LIMIT 5",
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY c.name LIMIT 5",
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY id LIMIT 5",
        "SELECT o.id FROM orders o JOIN customers c ON c.id < o.customer_id ORDER BY o.id LIMIT 5",
        "SELECT o.id FROM orders o JOIN (SELECT id FROM customers) c ON c.id = o.customer_id ORDER BY o.id LIMIT 5",
        "SELECT o.customer_id, count(*) FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY o.customer_id ORDER BY o.customer_id LIMIT 5",
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_lines l ON l.order_id = o.id ORDER BY o.id LIMIT 5",
        // a chain: the customers are joined to the orders, not to the ordered lines
        "SELECT l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id ORDER BY l.order_id LIMIT 5",
        // two conditions in one ON
        "SELECT l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id AND o.id = l.line_no ORDER BY l.order_id LIMIT 5",
    ] {
        let out = governed(PG, sql);
        assert!(!out.contains("LIMIT 5 OFFSET 0)"), "{sql}: {out}");
    }
    // SQLite: not there (its fences hand no keys).
    let out = governed(
        LITE,
        "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id LIMIT 10",
    );
    assert!(!out.contains("LIMIT 10 OFFSET 0)"), "{out}");
}

#[test]
fn order_and_limit_go_inside_past_left_joins_on_a_key() {
    // A LEFT join on the other table's key keeps every row of the ordered fence once: no keys.
    for (sql, inside) in [
        (
            "SELECT o.id, o.ordered_at, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC LIMIT 10",
            "WHERE \"orders\".region = $1 ORDER BY \"orders\".\"ordered_at\" DESC LIMIT 10 OFFSET 0)",
        ),
        (
            "SELECT l.order_id, p.name FROM order_lines l LEFT OUTER JOIN products p ON p.id = l.product_id ORDER BY l.order_id DESC, l.line_no LIMIT 5",
            "ORDER BY \"order_lines\".\"order_id\" DESC, \"order_lines\".\"line_no\" LIMIT 5 OFFSET 0)",
        ),
        // beside an inner join that needs the keys
        (
            "SELECT l.order_id, p.name, o.status FROM order_lines l LEFT JOIN products p ON l.product_id = p.id JOIN orders o ON o.id = l.order_id ORDER BY l.order_id LIMIT 5",
            "AND \"order_lines\".\"order_id\" IN (SELECT \"id\" FROM \"public\".\"orders\" WHERE \"orders\".region = $2) ORDER BY \"order_lines\".\"order_id\" LIMIT 5 OFFSET 0)",
        ),
    ] {
        let out = governed(PG, sql);
        assert!(out.contains(inside), "{sql}: {out}");
        assert!(!out.contains("\"product_id\" IN (SELECT"), "{sql}: {out}");
        assert!(!out.contains("\"customer_id\" IN (SELECT"), "{sql}: {out}");
    }
    for sql in [
        // the ordered table on the nullable side
        "SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY o.id LIMIT 5",
        // not the joined table's whole key: a line per order would repeat the order
        "SELECT o.id FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id ORDER BY o.id LIMIT 5",
        // a WHERE on the LEFT-joined table stays above the fences and drops rows after the sort
        "SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.name || 'x' = 'y' ORDER BY o.id LIMIT 5",
        "SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL ORDER BY o.id LIMIT 5",
        // more than the key equality in the ON
        "SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id AND length(c.name) > 3 ORDER BY o.id LIMIT 5",
        // the key against another table's column
        "SELECT l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN customers c ON c.id = o.customer_id ORDER BY l.order_id LIMIT 5",
        // RIGHT and FULL joins pad the ordered table
        "SELECT o.id FROM orders o RIGHT JOIN customers c ON c.id = o.customer_id ORDER BY o.id LIMIT 5",
        "SELECT o.id FROM orders o FULL JOIN customers c ON c.id = o.customer_id ORDER BY o.id LIMIT 5",
    ] {
        let out = governed(PG, sql);
        assert!(!out.contains("LIMIT 5 OFFSET 0)"), "{sql}: {out}");
    }
}

#[test]
fn a_limited_fence_looks_its_partners_up_by_key() {
    // Fences joined after the ordered one on exactly their key: a LATERAL lookup per row.
    for (sql, lookup) in [
        (
            "SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC LIMIT 10",
            "LEFT JOIN LATERAL (SELECT",
        ),
        (
            "SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer_id = c.id ORDER BY o.ordered_at DESC LIMIT 10",
            "JOIN LATERAL (SELECT",
        ),
        (
            "SELECT l.order_id, o.status FROM order_lines l JOIN orders o ON o.id = l.order_id ORDER BY l.order_id LIMIT 5",
            "JOIN LATERAL (SELECT",
        ),
        // parentheses around either side
        (
            "SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON ((c.id) = (o.customer_id)) ORDER BY o.ordered_at DESC LIMIT 10",
            "LEFT JOIN LATERAL (SELECT",
        ),
    ] {
        let out = governed(PG, sql);
        assert!(out.contains(lookup), "{sql}: {out}");
        let lateral = out.split(lookup).nth(1).unwrap_or_default();
        assert!(
            lateral.contains(".\"id\" = \"o\".\"customer_id\" OFFSET 0)")
                || lateral.contains("\"orders\".\"id\" = \"l\".\"order_id\" OFFSET 0)"),
            "{sql}: {out}"
        );
    }
    // Written from the customers: the orders are put first (inner joins, no `*`), then the
    // customers looked up.
    let out = governed(
        PG,
        "SELECT o.id, c.name FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY o.ordered_at DESC LIMIT 10",
    );
    assert!(
        out.starts_with("SELECT o.id, c.name FROM (SELECT \"id\", \"customer_id\"")
            && out.contains("OFFSET 0) o JOIN LATERAL (SELECT")
            && out.contains(
                "\"customers\".\"id\" = \"o\".\"customer_id\" OFFSET 0) c ON o.customer_id = c.id"
            ),
        "{out}"
    );
    let out = governed(
        PG,
        "SELECT o.status, l.line_no, p.name FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id ORDER BY l.order_id DESC, l.line_no LIMIT 5",
    );
    assert!(
        out.contains("OFFSET 0) l JOIN LATERAL (SELECT")
            && out.contains("OFFSET 0) o ON l.order_id = o.id JOIN (SELECT"),
        "{out}"
    );
    // With a LEFT join the FROM keeps its order; the fence after the ordered one is looked up.
    let out = governed(
        PG,
        "SELECT l.order_id, p.name FROM products p JOIN order_lines l ON l.product_id = p.id LEFT JOIN customers c ON c.id = l.order_id ORDER BY l.order_id LIMIT 5",
    );
    assert!(
        out.starts_with("SELECT l.order_id, p.name FROM (SELECT \"id\", \"sku\"")
            && out.contains("LEFT JOIN LATERAL (SELECT"),
        "{out}"
    );
    for sql in [
        // `*` would list the columns in the new order
        "SELECT * FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY o.ordered_at DESC LIMIT 10",
        // the ordered table's name is the joined table's own: inside its fence it would be that
        "SELECT customers.id, c.name FROM orders customers LEFT JOIN customers c ON c.id = customers.customer_id ORDER BY customers.id LIMIT 5",
        // a table without a row filter is no fence: the planner joins it by key itself
        "SELECT l.order_id, p.name FROM order_lines l JOIN products p ON p.id = l.product_id ORDER BY l.order_id LIMIT 5",
        // no LIMIT inside the fence (a WHERE stays above)
        "SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.name || 'x' = 'y' ORDER BY o.id LIMIT 5",
    ] {
        let out = governed(PG, sql);
        assert!(!out.contains("LATERAL"), "{sql}: {out}");
    }
}

//! The statements `tests/barrier.rs` runs as the analyst and compares with the north-only copy.

/// Statements whose predicates raise on some rows of other regions (customer 15 is east, 34
/// south; order 3 belongs to east customer 36), and controls that must answer the same.
pub(crate) const BOTH: &[&str] = &[
    "SELECT count(*) FROM orders WHERE 1/(CASE WHEN customer_id = 15 THEN 0 ELSE 1 END) = 1",
    "SELECT count(*) FROM orders WHERE 1/(CASE WHEN customer_id = 9999 THEN 0 ELSE 1 END) = 1",
    "SELECT count(*) FROM orders WHERE abs(CASE WHEN id = 3 THEN -9223372036854775808 ELSE 1 END) = 1",
    "SELECT count(*) FROM orders WHERE customer_id = 36 AND abs(CASE WHEN id = 3 THEN -9223372036854775808 ELSE 1 END) = 1",
    "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id AND 1/(CASE WHEN o.customer_id = 34 THEN 0 ELSE 1 END) = 1",
    "SELECT count(*) FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND 1/(CASE WHEN o.customer_id = 15 THEN 0 ELSE 1 END) = 1)",
    "SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id HAVING 1/(CASE WHEN customer_id = 15 THEN 0 ELSE 1 END) = 1 ORDER BY customer_id",
    "SELECT id, status FROM orders WHERE id IN (1, 2, 3, 4, 5) ORDER BY id",
    // ORDER BY and LIMIT moved inside the fence answer as the copy does.
    "SELECT id, status FROM orders ORDER BY ordered_at DESC, id LIMIT 7",
    "SELECT id, customer_id FROM orders WHERE id > 20 ORDER BY id LIMIT 5 OFFSET 3",
    "SELECT * FROM orders o ORDER BY o.customer_id DESC, o.id",
    "SELECT id FROM orders WHERE status = 'shipped' ORDER BY id DESC LIMIT 4",
    "SELECT id FROM orders WHERE 1/(CASE WHEN customer_id = 15 THEN 0 ELSE 1 END) = 1 ORDER BY id LIMIT 3",
    "SELECT o.id, upper(o.status) AS s, (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS n FROM orders o ORDER BY o.id DESC LIMIT 4",
    // Key ranges carried across inner-join equalities into the other fence (PostgreSQL).
    "SELECT c.id, count(*) AS n FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id < 40 GROUP BY c.id ORDER BY c.id",
    "SELECT count(*) FROM orders o, customers c WHERE c.id = o.customer_id AND o.customer_id IN (1, 2, 3, 15, 34, 36)",
    "SELECT c.id, count(o.id) AS n FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.customer_id > 20 GROUP BY c.id ORDER BY c.id",
    "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.customer_id BETWEEN 10 AND 30",
    // A fence narrowed by the caller hands its keys to the other fence of an inner join
    // (PostgreSQL): the same rows, and still no caller expression on another region's row.
    "SELECT c.id, o.id FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.city = 'Detroit' ORDER BY 1, 2",
    "SELECT count(*) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.city = 'Detroit' AND 1/(CASE WHEN o.customer_id = 15 THEN 0 ELSE 1 END) = 1",
    "SELECT c.segment, count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'shipped' GROUP BY c.segment ORDER BY 1",
    "SELECT count(*) FROM orders o, customers c WHERE o.customer_id = c.id AND o.status = 'returned' AND c.city <> 'Chicago'",
    "SELECT count(*) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE c.city = 'Detroit'",
    // A table without a row filter that the caller narrowed hands its keys to the fence it is
    // joined to (PostgreSQL): the same rows, and no caller expression on a hidden line (order 3
    // is an east customer's, with toys among its lines).
    "SELECT p.name, count(*) AS n FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = 'Toys & Games' GROUP BY p.name ORDER BY 1",
    "SELECT count(*) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = 'Toys & Games' AND 1/(CASE WHEN l.order_id = 3 THEN 0 ELSE 1 END) = 1",
    "SELECT count(*) FROM products p JOIN order_lines l ON l.product_id = p.id AND p.sku IN ('TOY-0067', 'BOO-0091') AND 1/(CASE WHEN l.order_id = 3 THEN 0 ELSE 1 END) = 1",
    "SELECT l.order_id, l.line_no FROM order_lines l, products p WHERE l.product_id = p.id AND p.id IN (67, 74) ORDER BY 1, 2",
    "SELECT p.id, count(l.order_id) AS n FROM products p LEFT JOIN order_lines l ON l.product_id = p.id WHERE p.category = 'Toys & Games' GROUP BY p.id ORDER BY 1",
    "SELECT e.department, count(*) AS n FROM orders o JOIN employees e ON e.id = o.employee_id WHERE e.department = 'Sales' GROUP BY 1",
    "SELECT count(*) FROM employees e JOIN orders o ON o.employee_id = e.id JOIN order_lines l ON l.order_id = o.id WHERE e.department IN ('Finance', 'Operations') AND 1/(CASE WHEN l.order_id = 3 THEN 0 ELSE 1 END) = 1",
];

pub(crate) const POSTGRES_ONLY: &[&str] = &[
    // Date literals against the timestamp column, written as timestamps inside the fence.
    "SELECT count(*) FROM orders WHERE ordered_at >= DATE '2025-06-01' AND ordered_at < DATE '2025-07-01'",
    "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.ordered_at BETWEEN '2025-01-01'::date AND DATE '2025-01-31' ORDER BY 1",
    "SELECT count(*) FROM orders WHERE ordered_at = DATE '2025-03-02' OR ordered_at <> CAST('2024-01-01' AS DATE)",
    "SELECT count(*) FROM orders WHERE CAST(status || customer_id::text AS int) = 1",
    "SELECT name FROM customers WHERE id = 15 AND CAST(name AS int) = 1",
    // Arrays and row values of constants, moved inside; FETCH FIRST as the fence's LIMIT.
    "SELECT id FROM orders WHERE customer_id = ANY (ARRAY[15, 34, 36, 7, 8]) ORDER BY id",
    "SELECT count(*) FROM orders WHERE customer_id = ANY (ARRAY[15, 36, 7, 8]) AND 1/(CASE WHEN customer_id = 15 THEN 0 ELSE 1 END) = 1",
    "SELECT count(*) FROM order_lines WHERE (order_id, line_no) IN ((3, 1), (1, 1), (2, 1), (3, 2))",
    "SELECT id, status FROM orders o ORDER BY o.id DESC FETCH FIRST 3 ROWS ONLY",
    // Times relative to now: moved inside, or a looser copy inside and the caller's above.
    "SELECT count(*) FROM orders WHERE ordered_at >= current_date - interval '3 years'",
    "SELECT id FROM orders WHERE ordered_at < current_date - 700 ORDER BY ordered_at DESC, id LIMIT 5",
    "SELECT count(*) FROM orders WHERE ordered_at > date_trunc('year', now()) - interval '3 years' AND 1/(CASE WHEN customer_id = 15 THEN 0 ELSE 1 END) = 1",
    "SELECT c.city, count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.ordered_at BETWEEN date_trunc('year', now()) - interval '3 years' AND now() GROUP BY 1 ORDER BY 1",
    // ORDER BY and LIMIT inside the first table's fence past joins kept one for one by the
    // other tables' keys.
    "SELECT o.id, o.ordered_at, c.name FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC, o.id LIMIT 7",
    "SELECT l.order_id, l.line_no, p.name FROM order_lines l JOIN products p ON p.id = l.product_id ORDER BY l.order_id DESC, l.line_no LIMIT 6",
    "SELECT l.order_id, l.line_no, o.status FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status = 'shipped' ORDER BY l.order_id, l.line_no LIMIT 4",
    "SELECT l.order_id, l.line_no FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.id > 30 ORDER BY l.order_id, l.line_no LIMIT 5",
    "SELECT o.id, e.name FROM orders o JOIN employees e ON e.id = o.employee_id ORDER BY o.id DESC LIMIT 5",
    "SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY o.ordered_at DESC, o.id LIMIT 6",
    "SELECT o.status, l.order_id, l.line_no, p.name FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id ORDER BY l.order_id DESC, l.line_no LIMIT 5",
    // min and max read from the fence's ends.
    "SELECT min(ordered_at), max(ordered_at) FROM orders",
    "SELECT max(o.id) AS last_id, min(o.customer_id), max(o.ordered_at)::date - min(o.ordered_at)::date AS days FROM orders o",
    "SELECT max(l.unit_price), min(l.quantity) FROM order_lines l WHERE l.product_id IN (1, 2, 3, 67, 74)",
    "SELECT min(name), max(city) FROM customers WHERE segment = 'smb'",
    // ORDER BY and LIMIT inside the fence past LEFT joins on the other table's key.
    "SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC, o.id LIMIT 6",
    "SELECT l.order_id, l.line_no, p.name FROM order_lines l LEFT JOIN products p ON p.id = l.product_id ORDER BY l.order_id DESC, l.line_no LIMIT 5",
    "SELECT o.id, o.ordered_at, c.name, c.city FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.ordered_at DESC, o.id LIMIT 5",
    "SELECT l.order_id, l.line_no, o.status FROM order_lines l JOIN orders o ON o.id = l.order_id ORDER BY l.order_id DESC, l.line_no LIMIT 7",
    "SELECT p.sku, l.order_id, l.line_no, o.status, (SELECT count(*) FROM order_lines x WHERE x.order_id = l.order_id) AS n FROM products p JOIN order_lines l ON l.product_id = p.id JOIN orders o ON o.id = l.order_id ORDER BY l.order_id DESC, l.line_no LIMIT 6",
    // A range on the lines' order key also bounds their row filter's subquery of orders.
    "SELECT l.order_id, l.line_no, l.product_id FROM order_lines l WHERE l.order_id BETWEEN 1 AND 9 AND 1/(CASE WHEN l.order_id = 3 THEN 0 ELSE 1 END) = 1 ORDER BY 1, 2",
    "SELECT l.order_id, count(*) FROM order_lines l WHERE l.order_id IN (1, 2, 3, 4) AND l.order_id > 1 GROUP BY 1 ORDER BY 1",
    "SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.id < 12 AND 1/(CASE WHEN l.order_id = 3 THEN 0 ELSE 1 END) = 1",
];

pub(crate) const SQLITE_ONLY: &[&str] = &[
    "SELECT count(*) FROM orders WHERE json_extract(CASE WHEN customer_id = 15 THEN '{' ELSE '{}' END, '$') IS NOT NULL",
    "SELECT count(*) FROM orders WHERE ordered_at >= date('now', '-1100 days') AND json_extract(CASE WHEN customer_id = 15 THEN '{' ELSE '{}' END, '$') IS NOT NULL",
];

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Grouping by a table's primary key and selecting its other columns, as PostgreSQL allows for tables: orders and products are derived tables for this role, so governance completes the GROUP BY with their visible columns.
SELECT o.id, o.ordered_at, o.status, p.id AS product_id, p.name, count(*) AS lines
FROM orders o
JOIN order_lines l ON l.order_id = o.id
JOIN products p ON p.id = l.product_id
GROUP BY o.id, 4
ORDER BY lines DESC, o.id, product_id
LIMIT 20

-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: a filtered table's key in every grouping set selects its other columns, as PostgreSQL allows for the table itself.
SELECT o.id, o.status, l.product_id, sum(l.quantity) FROM orders o JOIN order_lines l ON l.order_id = o.id
GROUP BY GROUPING SETS ((o.id, l.product_id), (o.id)) ORDER BY 1, 3 NULLS LAST LIMIT 10

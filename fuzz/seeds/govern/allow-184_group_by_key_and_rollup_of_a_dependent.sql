-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: a column the ROLLUP names keeps its subtotal rows (NULL) when the key is grouped beside it; CUBE likewise.
SELECT c.id, c.name, c.city, count(*) AS n FROM customers c JOIN orders o ON o.customer_id = c.id
GROUP BY c.id, CUBE(c.name) ORDER BY 1, 2 NULLS LAST LIMIT 12

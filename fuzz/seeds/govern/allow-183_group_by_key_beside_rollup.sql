-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: GROUP BY a filtered table's key beside ROLLUP/CUBE selects the table's other columns, as PostgreSQL allows for a table (the key is in every grouping set).
SELECT c.id, c.name, o.status, count(*) AS n FROM customers c JOIN orders o ON o.customer_id = c.id
GROUP BY c.id, ROLLUP(o.status) ORDER BY 1, 3 NULLS LAST LIMIT 12

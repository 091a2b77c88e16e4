-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: GROUP BY a restricted table's key beside ROLLUP: governance must not add the table's columns to the GROUP BY (they would be in every grouping set and turn the subtotal rows into detail rows).
SELECT o.id, o.status, count(*) AS n, grouping(o.status) AS g FROM orders o GROUP BY o.id, ROLLUP(o.status) ORDER BY 1, 2 NULLS FIRST LIMIT 6

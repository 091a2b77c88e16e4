-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Qualified references into CTEs, derived tables and table functions whose columns governance can name.
WITH m AS (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id)
SELECT x.count, g.g, m.n, d.day FROM (SELECT count(*) FROM orders) x
CROSS JOIN generate_series(1, 2) g
CROSS JOIN (SELECT max(customer_id) AS top FROM m) t
JOIN m ON m.customer_id = t.top
CROSS JOIN unnest(ARRAY['a', 'b']) AS d(day)
ORDER BY 2, 4

-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: PostgreSQL names a CTE's unnamed CASE and EXISTS columns `case` and `exists`, and they are read back as x.case and x.exists.
WITH x AS (SELECT CASE WHEN status = 'delivered' THEN 'ok' ELSE 'other' END, EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.quantity > 5), id FROM orders o) SELECT x.case, x.exists, count(*) FROM x GROUP BY x.case, x.exists ORDER BY 1, 2

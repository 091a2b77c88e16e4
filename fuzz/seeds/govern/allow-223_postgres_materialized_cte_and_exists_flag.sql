-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: WITH ... AS MATERIALIZED, EXISTS as a boolean column, and date_trunc by week.
WITH recent AS MATERIALIZED (SELECT * FROM orders WHERE ordered_at >= DATE '2025-11-01')
SELECT date_trunc('week', r.ordered_at)::date AS week, count(*) AS orders,
       bool_and(EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = r.id AND l.discount > 0)) AS all_discounted
FROM recent r
GROUP BY 1
ORDER BY 1

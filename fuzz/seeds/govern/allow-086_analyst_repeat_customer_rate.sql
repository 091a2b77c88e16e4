-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Share of the own region's customers with more than one order.
WITH per_customer AS (
    SELECT customer_id, count(*) AS orders
    FROM orders
    GROUP BY customer_id
)
SELECT count(*) AS buyers,
       sum(CASE WHEN orders > 1 THEN 1 ELSE 0 END) AS repeat_buyers,
       round(100.0 * sum(CASE WHEN orders > 1 THEN 1 ELSE 0 END) / count(*), 1) AS repeat_pct
FROM per_customer

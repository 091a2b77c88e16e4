-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: lag over each customer's orders: average days between consecutive orders, top ten most frequent buyers.
WITH gaps AS (
    SELECT customer_id,
           ordered_at::date - lag(ordered_at::date) OVER (PARTITION BY customer_id ORDER BY ordered_at, id) AS gap_days
    FROM orders
)
SELECT customer_id, round(avg(gap_days), 1) AS avg_gap_days, count(gap_days) AS gaps
FROM gaps
GROUP BY customer_id
HAVING count(gap_days) >= 5
ORDER BY avg_gap_days, customer_id
LIMIT 10

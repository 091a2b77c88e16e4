-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: A monthly cohort table: each customer's first order month and the months they ordered again.
WITH firsts AS (
  SELECT customer_id, date_trunc('month', min(ordered_at)) AS cohort FROM orders GROUP BY customer_id
), activity AS (
  SELECT DISTINCT o.customer_id, date_trunc('month', o.ordered_at) AS month FROM orders o
)
SELECT f.cohort, (EXTRACT(YEAR FROM age(a.month, f.cohort)) * 12 + EXTRACT(MONTH FROM age(a.month, f.cohort)))::int AS months_after,
       count(DISTINCT a.customer_id) AS customers
FROM firsts f JOIN activity a ON a.customer_id = f.customer_id
GROUP BY 1, 2
ORDER BY 1, 2
LIMIT 100

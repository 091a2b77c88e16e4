WITH first_orders AS (
    SELECT customer_id, min(substr(CAST(ordered_at AS TEXT), 1, 7)) AS cohort
    FROM orders
    GROUP BY customer_id
)
SELECT f.cohort,
       count(DISTINCT f.customer_id) AS customers,
       count(DISTINCT CASE WHEN substr(CAST(o.ordered_at AS TEXT), 1, 7) > f.cohort THEN o.customer_id END) AS returning_customers
FROM first_orders f
JOIN orders o ON o.customer_id = f.customer_id
GROUP BY f.cohort
ORDER BY f.cohort

SELECT count(*) AS churned
FROM (
    SELECT customer_id FROM orders WHERE ordered_at < '2025-01-01'
    EXCEPT
    SELECT customer_id FROM orders WHERE ordered_at >= '2025-01-01'
) churn

-- dialect: any
-- expect: allow
-- why: EXCEPT inside a derived table: customers who ordered in 2024 but not in 2025 (churn).
SELECT count(*) AS churned
FROM (
    SELECT customer_id FROM orders WHERE ordered_at < '2025-01-01'
    EXCEPT
    SELECT customer_id FROM orders WHERE ordered_at >= '2025-01-01'
) churn

SELECT count(DISTINCT customer_id) AS active_customers,
       count(DISTINCT employee_id) AS sales_reps
FROM orders
WHERE ordered_at >= '2025-01-01'

SELECT customer_id FROM orders WHERE ordered_at < '2025-01-01'
INTERSECT
SELECT customer_id FROM orders WHERE ordered_at >= '2025-01-01'
ORDER BY customer_id
LIMIT 50

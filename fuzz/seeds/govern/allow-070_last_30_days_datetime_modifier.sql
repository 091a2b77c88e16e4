SELECT count(*) AS recent_orders
FROM orders
WHERE ordered_at >= datetime('2025-12-31', '-30 days')

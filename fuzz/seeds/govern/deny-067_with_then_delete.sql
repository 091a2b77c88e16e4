WITH stale AS (SELECT id FROM orders WHERE ordered_at < '2025-01-01')
DELETE FROM order_lines WHERE order_id IN (SELECT id FROM stale)

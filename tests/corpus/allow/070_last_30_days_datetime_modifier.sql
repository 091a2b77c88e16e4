-- dialect: sqlite
-- expect: allow
-- why: datetime with a modifier filters the last 30 days of 2025.
SELECT count(*) AS recent_orders
FROM orders
WHERE ordered_at >= datetime('2025-12-31', '-30 days')

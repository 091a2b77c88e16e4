-- dialect: any
-- expect: deny statement_kind
-- why: A statement that begins with WITH but whose main body is a DELETE.
WITH stale AS (SELECT id FROM orders WHERE ordered_at < '2025-01-01')
DELETE FROM order_lines WHERE order_id IN (SELECT id FROM stale)

WITH a AS (SELECT id FROM orders LIMIT 1),
     gone AS (DELETE FROM order_lines WHERE order_id IN (SELECT id FROM a)),
     c AS (SELECT 2 AS y)
SELECT * FROM c

-- dialect: postgres
-- expect: deny statement_kind
-- why: The data-modifying CTE is the second of three and is not referenced by the final SELECT (PostgreSQL still executes it).
WITH a AS (SELECT id FROM orders LIMIT 1),
     gone AS (DELETE FROM order_lines WHERE order_id IN (SELECT id FROM a)),
     c AS (SELECT 2 AS y)
SELECT * FROM c

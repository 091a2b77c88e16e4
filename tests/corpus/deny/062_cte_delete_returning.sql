-- dialect: postgres
-- expect: deny statement_kind
-- why: Data-modifying CTE: the DELETE inside WITH runs even though the outer statement is a SELECT.
WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d

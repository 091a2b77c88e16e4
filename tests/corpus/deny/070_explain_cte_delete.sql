-- dialect: postgres
-- expect: deny statement_kind
-- why: EXPLAIN of a SELECT whose CTE is a DELETE is still EXPLAIN of a data-modifying statement.
EXPLAIN WITH d AS (DELETE FROM orders RETURNING id) SELECT * FROM d

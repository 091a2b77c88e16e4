-- dialect: any
-- expect: deny statement_kind
-- why: EXPLAIN of a DELETE: only SELECT-like statements may be explained.
EXPLAIN DELETE FROM orders WHERE id = 1

-- dialect: postgres
-- expect: deny statement_kind
-- why: PREPARE stores a DELETE to be run later by EXECUTE.
PREPARE p AS DELETE FROM orders

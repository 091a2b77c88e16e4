-- dialect: postgres
-- expect: deny explain_analyze
-- why: EXPLAIN ANALYZE actually executes the statement, so it must be denied even for a SELECT.
EXPLAIN ANALYZE SELECT * FROM orders

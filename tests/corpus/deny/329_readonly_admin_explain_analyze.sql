-- role: readonly_admin
-- dialect: postgres
-- expect: deny explain_analyze
-- why: EXPLAIN ANALYZE executes the statement.
EXPLAIN ANALYZE SELECT * FROM employees

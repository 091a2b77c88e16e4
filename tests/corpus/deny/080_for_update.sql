-- dialect: postgres
-- expect: deny locking_clause
-- why: SELECT ... FOR UPDATE takes row locks that block writers.
SELECT * FROM orders WHERE id = 1 FOR UPDATE

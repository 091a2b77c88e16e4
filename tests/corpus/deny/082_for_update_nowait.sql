-- dialect: postgres
-- expect: deny locking_clause
-- why: FOR UPDATE NOWAIT is still a locking clause.
SELECT * FROM customers WHERE region = 'north' FOR UPDATE NOWAIT

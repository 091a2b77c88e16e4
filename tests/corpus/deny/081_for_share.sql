-- dialect: postgres
-- expect: deny locking_clause
-- why: FOR SHARE takes row locks.
SELECT * FROM products FOR SHARE

-- dialect: postgres
-- expect: deny locking_clause
-- why: FOR SHARE inside a CTE body.
WITH locked AS (SELECT * FROM customers FOR SHARE) SELECT count(*) FROM locked

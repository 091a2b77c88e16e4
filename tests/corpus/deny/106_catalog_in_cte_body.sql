-- dialect: postgres
-- expect: deny table_not_granted
-- why: Catalog relation inside a CTE body.
WITH t AS (SELECT * FROM pg_catalog.pg_user) SELECT * FROM t

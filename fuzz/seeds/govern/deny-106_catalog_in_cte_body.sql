WITH t AS (SELECT * FROM pg_catalog.pg_user) SELECT * FROM t

-- dialect: any
-- expect: allow
-- why: A CTE named pg_class shadows the catalog table, so FROM pg_class reads the CTE and must be allowed.
WITH pg_class AS (SELECT 1 AS x) SELECT * FROM pg_class

-- dialect: postgres
-- expect: deny table_not_granted
-- why: In a non-recursive CTE the name is not visible in its own body, so the inner pg_authid is the REAL catalog table.
WITH pg_authid AS (SELECT * FROM pg_authid) SELECT * FROM pg_authid

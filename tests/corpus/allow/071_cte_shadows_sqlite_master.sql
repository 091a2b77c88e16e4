-- dialect: sqlite
-- expect: allow
-- why: A CTE named sqlite_master shadows the schema table, so the query reads only the CTE.
WITH sqlite_master AS (SELECT 'customers' AS name) SELECT name FROM sqlite_master

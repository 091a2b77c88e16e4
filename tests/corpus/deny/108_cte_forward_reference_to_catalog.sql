-- dialect: postgres
-- expect: deny table_not_granted
-- why: CTE a refers to pg_roles, which is only defined as a CTE later in the list, so in PostgreSQL it resolves to the real catalog view.
WITH a AS (SELECT * FROM pg_roles), pg_roles AS (SELECT 1 AS x) SELECT * FROM a

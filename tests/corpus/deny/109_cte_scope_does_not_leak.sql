-- dialect: postgres
-- expect: deny table_not_granted
-- why: The pg_user CTE is scoped to the derived table only; the outer pg_user is the real catalog view.
SELECT * FROM (WITH pg_user AS (SELECT 1 AS x) SELECT * FROM pg_user) s CROSS JOIN pg_user

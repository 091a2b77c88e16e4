SELECT * FROM (WITH pg_user AS (SELECT 1 AS x) SELECT * FROM pg_user) s CROSS JOIN pg_user

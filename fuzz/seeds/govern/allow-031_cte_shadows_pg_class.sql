WITH pg_class AS (SELECT 1 AS x) SELECT * FROM pg_class

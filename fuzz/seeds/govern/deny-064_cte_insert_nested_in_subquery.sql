WITH a AS (SELECT 1 AS x),
     b AS (SELECT * FROM (WITH i AS (INSERT INTO customers (name) VALUES ('x') RETURNING id) SELECT id FROM i) s)
SELECT * FROM a, b

-- dialect: postgres
-- expect: deny statement_kind
-- why: An INSERT hidden in a CTE nested inside a derived table inside another CTE; every nesting level must be checked.
WITH a AS (SELECT 1 AS x),
     b AS (SELECT * FROM (WITH i AS (INSERT INTO customers (name) VALUES ('x') RETURNING id) SELECT id FROM i) s)
SELECT * FROM a, b

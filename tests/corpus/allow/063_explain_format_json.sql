-- dialect: postgres
-- expect: allow
-- why: EXPLAIN with options but without ANALYZE only plans the query.
EXPLAIN (FORMAT JSON) SELECT * FROM orders WHERE customer_id = 42

-- dialect: postgres
-- expect: deny explain_analyze
-- why: ANALYZE written in lower case and not as the first option in the list.
EXPLAIN (FORMAT JSON, analyze, BUFFERS) SELECT * FROM orders

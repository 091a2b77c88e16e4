-- dialect: postgres
-- expect: deny explain_analyze
-- why: The parenthesised option form EXPLAIN (ANALYZE) also executes the query.
EXPLAIN (ANALYZE) SELECT count(*) FROM order_lines

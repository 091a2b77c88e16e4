EXPLAIN (ANALYZE) SELECT count(*) FROM order_lines

-- dialect: postgres
-- expect: deny explain_analyze
-- why: PostgreSQL takes ANALYSE as ANALYZE: the statement ran, outside the row and byte caps, its timings and buffers shown (red-team finding).
EXPLAIN (ANALYSE, BUFFERS, TIMING, SUMMARY) SELECT count(*) FROM products

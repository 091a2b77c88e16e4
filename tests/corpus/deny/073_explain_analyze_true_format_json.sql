-- dialect: postgres
-- expect: deny explain_analyze
-- why: EXPLAIN (ANALYZE true, FORMAT JSON) executes the query; the analyze option can carry a boolean argument.
EXPLAIN (ANALYZE true, FORMAT JSON) SELECT * FROM customers WHERE region = 'north'

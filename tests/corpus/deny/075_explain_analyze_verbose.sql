-- dialect: postgres
-- expect: deny explain_analyze
-- why: EXPLAIN ANALYZE VERBOSE executes the query and prints extra detail.
EXPLAIN ANALYZE VERBOSE SELECT c.name, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name

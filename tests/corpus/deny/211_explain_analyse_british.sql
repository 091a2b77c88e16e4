-- dialect: postgres
-- expect: deny parse_error
-- why: PostgreSQL accepts the spelling ANALYSE, so EXPLAIN ANALYSE executes the query; sqlparser 0.63 does not know ANALYSE and fails to parse (it would be explain_analyze if it parsed).
EXPLAIN ANALYSE SELECT * FROM orders

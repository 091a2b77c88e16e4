-- attrs: region=north
-- dialect: postgres
-- expect: deny statement_kind
-- why: issue 8: EXPLAIN VERBOSE prints the row filter and its bound values; a restricted role gets the plan shape only.
EXPLAIN VERBOSE SELECT id FROM orders

-- attrs: region=north
-- dialect: postgres
-- expect: deny statement_kind
-- why: issue 8: EXPLAIN (SETTINGS) prints more than the plan's shape.
EXPLAIN (SETTINGS true) SELECT id FROM customers

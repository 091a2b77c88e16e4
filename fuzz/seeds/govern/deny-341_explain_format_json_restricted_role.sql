-- attrs: region=north
-- dialect: postgres
-- expect: deny statement_kind
-- why: issue 8: a JSON plan carries filters, estimates and relation names that the shape-only redaction works on as text.
EXPLAIN (FORMAT JSON) SELECT id FROM orders

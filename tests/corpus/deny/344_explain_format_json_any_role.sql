-- dialect: postgres
-- expect: deny statement_kind
-- why: A JSON plan is one cell the line-by-line plan redaction does not read (partition and view base table names); refused for every role.
EXPLAIN (FORMAT JSON) SELECT * FROM orders WHERE customer_id = 42

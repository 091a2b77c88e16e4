-- dialect: any
-- expect: deny statement_kind
-- why: Creating even a temporary view is DDL and could shadow real tables for later queries.
CREATE TEMP VIEW orders_v AS SELECT * FROM orders

-- dialect: postgres
-- expect: deny statement_kind
-- why: EXPLAIN options are an allow-list; SETTINGS prints the server's modified settings.
EXPLAIN (SETTINGS) SELECT id FROM products

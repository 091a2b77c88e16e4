-- attrs: region=north
-- dialect: postgres
-- expect: deny unsupported_syntax
-- why: TABLESAMPLE on a table the role reads through a row filter: the fence is a derived table, which cannot be sampled, and sampling must never reach the raw table.
SELECT count(*) FROM customers TABLESAMPLE SYSTEM (100)

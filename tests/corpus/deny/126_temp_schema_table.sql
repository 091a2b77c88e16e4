-- dialect: sqlite
-- expect: deny table_not_granted
-- why: A table in SQLite's temp schema, not the configured main schema.
SELECT * FROM temp.orders

-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite resolves "national_id" to the column when it exists (it only falls back to a string literal when no such column exists), so the quoted name is the hidden column.
SELECT id, "national_id"
FROM customers

-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: A double-quoted lower-case identifier "email" is exactly the hidden column.
SELECT id, "email"
FROM customers

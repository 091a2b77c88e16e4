-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: Double-quoted lower-case "national_id" is the hidden column.
SELECT "email", "national_id"
FROM "customers"

-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite backtick-quoted hidden column for support.
SELECT email, `national_id`
FROM customers

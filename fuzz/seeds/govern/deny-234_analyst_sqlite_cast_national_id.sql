-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite CAST of part of the hidden national id turns it into a comparable number.
SELECT id
FROM customers
WHERE CAST(substr(national_id, 5) AS INTEGER) > 800000000

-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: row_to_json(c) is rewritten to visible columns, but the WHERE still names a hidden column.
SELECT row_to_json(c) AS doc
FROM customers c
WHERE c.phone LIKE '+1-3%'

-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: row_to_json of a whole customer row only sees the visible columns of own-region rows.
SELECT row_to_json(c) AS doc
FROM customers c
WHERE c.city = 'Chicago'

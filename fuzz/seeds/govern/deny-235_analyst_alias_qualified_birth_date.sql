-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: An alias-qualified hidden column (c.birth_date).
SELECT c.id, c.birth_date
FROM customers c

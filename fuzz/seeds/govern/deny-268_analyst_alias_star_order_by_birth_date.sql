-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: c.* is fine on its own, ordering it by the hidden birth_date is not.
SELECT c.*
FROM customers c
ORDER BY c.birth_date

-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A derived table exposes phone to the outer WHERE.
SELECT t.id
FROM (SELECT id, phone FROM customers) t
WHERE t.phone IS NOT NULL

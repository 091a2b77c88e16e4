-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A derived table aliases email as e and the outer query renames it to name; still the hidden column.
SELECT e AS name
FROM (SELECT email AS e FROM customers) t

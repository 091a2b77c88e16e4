-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: The second branch of a UNION puts the hidden e-mail under the visible name column.
SELECT name FROM customers
UNION
SELECT email FROM customers

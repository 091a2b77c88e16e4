-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: The analyst policy hides customers.email; naming it in the select list is refused rather than silently dropped.
SELECT id, name, email
FROM customers
ORDER BY id

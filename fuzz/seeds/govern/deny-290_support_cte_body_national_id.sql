-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A CTE body selecting the hidden national id, even if only e-mail is read outside.
WITH ids AS (SELECT email, national_id FROM customers)
SELECT email
FROM ids

-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Visible e-mails selected by a LIKE on the hidden national id.
SELECT c.email
FROM customers c
WHERE c.national_id LIKE 'NID-8%'

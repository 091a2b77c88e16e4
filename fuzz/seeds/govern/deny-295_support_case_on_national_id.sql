-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: CASE over the hidden national id next to the visible e-mail.
SELECT email,
       CASE WHEN national_id LIKE '%7' THEN 'ends in 7' ELSE 'other' END AS tag
FROM customers

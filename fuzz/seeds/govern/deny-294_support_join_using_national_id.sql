-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: JOIN USING the hidden national id.
SELECT count(*)
FROM customers c
JOIN customers d USING (national_id)

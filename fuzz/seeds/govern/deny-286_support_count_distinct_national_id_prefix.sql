-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: An aggregate over a function of the hidden national id.
SELECT count(DISTINCT substr(national_id, 1, 6)) AS prefixes
FROM customers

-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Unquoted EMAIL and Birth_Date fold to the hidden lower-case columns in both databases.
SELECT id, EMAIL, Birth_Date
FROM customers

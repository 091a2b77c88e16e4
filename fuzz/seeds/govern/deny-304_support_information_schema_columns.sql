-- attrs: region=north
-- dialect: postgres
-- expect: deny table_not_granted
-- why: information_schema.columns would list the hidden columns; catalogs are never granted.
SELECT table_name, column_name
FROM information_schema.columns
WHERE table_name = 'customers'

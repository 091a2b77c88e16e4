-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: xmin of a filtered table in WHERE, through an alias.
SELECT count(*) FROM customers c WHERE c.xmin IS NOT NULL

-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: EXPLAIN is governed like the query: a hidden column in its WHERE is refused too.
EXPLAIN SELECT id
FROM customers
WHERE national_id = 'NID-877161571'

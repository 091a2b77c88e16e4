-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: tableoid of a filtered table as a grouping key.
SELECT tableoid, count(*) FROM orders GROUP BY 1

-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A hidden column in a CTE body is refused even when the outer query never reads it.
WITH contacts AS (SELECT id, email FROM customers)
SELECT count(*) AS n
FROM contacts

-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A CTE column list renames email to contact; the rename does not launder the hidden column.
WITH x (id, contact) AS (SELECT id, email FROM customers)
SELECT id, contact
FROM x

-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: A CTE body reading the ungranted view.
WITH s AS (SELECT * FROM monthly_sales)
SELECT count(*)
FROM s

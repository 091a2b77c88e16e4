-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A CTE that reads every customer is row-filtered like the table itself.
WITH everyone AS (SELECT id, region FROM customers)
SELECT region, count(*) AS customers
FROM everyone
GROUP BY region
ORDER BY region

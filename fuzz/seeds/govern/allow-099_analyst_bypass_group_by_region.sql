-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Grouping orders by region returns only the own region.
SELECT region, count(*) AS orders
FROM orders
GROUP BY region
ORDER BY region

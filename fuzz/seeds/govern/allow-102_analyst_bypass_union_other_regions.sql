-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Each branch of a UNION is row-filtered: other regions' customers and orders never appear.
SELECT 'customer' AS kind, region, count(*) AS n FROM customers WHERE region IN ('south', 'east', 'west') GROUP BY region
UNION ALL
SELECT 'order', region, count(*) FROM orders WHERE region IN ('south', 'east', 'west') GROUP BY region

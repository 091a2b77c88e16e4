-- attrs: region=south
-- dialect: any
-- expect: allow
-- why: A south support agent counting customers by region sees only the south.
SELECT region, count(*) AS customers
FROM customers
GROUP BY region

-- dialect: any
-- expect: allow
-- why: Scalar subquery in the select list computes each region's share of all customers.
SELECT region, count(*) AS customers,
       round(100.0 * count(*) / (SELECT count(*) FROM customers), 1) AS pct_of_all
FROM customers
GROUP BY region
ORDER BY region

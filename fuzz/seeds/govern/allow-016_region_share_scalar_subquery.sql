SELECT region, count(*) AS customers,
       round(100.0 * count(*) / (SELECT count(*) FROM customers), 1) AS pct_of_all
FROM customers
GROUP BY region
ORDER BY region

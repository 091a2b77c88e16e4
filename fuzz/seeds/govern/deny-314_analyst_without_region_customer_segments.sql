SELECT c.segment, count(*) AS customers
FROM customers c
GROUP BY c.segment

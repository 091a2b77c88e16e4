SELECT region,
       count(*) AS orders,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
       count(*) FILTER (WHERE status = 'returned') AS returned
FROM orders
GROUP BY region
ORDER BY region

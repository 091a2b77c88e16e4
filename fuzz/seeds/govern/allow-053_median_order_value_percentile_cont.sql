SELECT region,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY total) AS median_total,
       round(stddev(total), 2) AS stddev_total
FROM (
    SELECT o.region, sum(l.quantity * l.unit_price) AS total
    FROM orders o
    JOIN order_lines l ON l.order_id = o.id
    GROUP BY o.id, o.region
) t
GROUP BY region
ORDER BY region

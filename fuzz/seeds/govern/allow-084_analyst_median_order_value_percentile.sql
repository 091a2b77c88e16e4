-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: percentile_cont median and stddev of order totals per status, own region only.
SELECT o.status,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.total) AS median_total,
       round(stddev(t.total), 2) AS stddev_total
FROM orders o
JOIN (SELECT order_id, sum(quantity * unit_price) AS total FROM order_lines GROUP BY order_id) t
  ON t.order_id = o.id
GROUP BY o.status
ORDER BY o.status

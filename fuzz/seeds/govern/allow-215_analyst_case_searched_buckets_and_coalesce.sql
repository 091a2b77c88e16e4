-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Order-size buckets with a searched CASE and COALESCE over a LEFT JOIN.
SELECT CASE WHEN t.total IS NULL THEN 'empty' WHEN t.total < 100 THEN 'small' WHEN t.total < 1000 THEN 'medium' ELSE 'large' END AS size,
       count(*) AS orders, COALESCE(sum(t.total), 0) AS revenue
FROM orders o
LEFT JOIN (SELECT order_id, sum(quantity * unit_price) AS total FROM order_lines GROUP BY order_id) t ON t.order_id = o.id
GROUP BY 1
ORDER BY 2 DESC

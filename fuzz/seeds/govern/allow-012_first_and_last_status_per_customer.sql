SELECT DISTINCT o.customer_id,
       first_value(o.status) OVER (PARTITION BY o.customer_id ORDER BY o.ordered_at, o.id
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_status,
       last_value(o.status) OVER (PARTITION BY o.customer_id ORDER BY o.ordered_at, o.id
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_status
FROM orders o
ORDER BY o.customer_id
LIMIT 20

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Running revenue total over the months of the own region with an explicit window frame.
WITH monthly AS (
    SELECT substr(CAST(o.ordered_at AS TEXT), 1, 7) AS month,
           sum(l.quantity * l.unit_price * (1 - l.discount)) AS revenue
    FROM orders o
    JOIN order_lines l ON l.order_id = o.id
    WHERE o.status NOT IN ('cancelled', 'returned')
    GROUP BY 1
)
SELECT month,
       round(revenue, 2) AS revenue,
       round(sum(revenue) OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 2) AS running_revenue
FROM monthly
ORDER BY month

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Revenue per city of the own region, ranked with dense_rank.
SELECT c.city,
       round(sum(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue,
       dense_rank() OVER (ORDER BY sum(l.quantity * l.unit_price * (1 - l.discount)) DESC) AS rnk
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN order_lines l ON l.order_id = o.id
GROUP BY c.city
ORDER BY rnk, c.city

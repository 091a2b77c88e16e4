-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: Gross margin through a join of order lines and products reads the hidden p.cost.
SELECT p.category,
       round(sum(l.quantity * (l.unit_price - p.cost)), 2) AS gross_margin
FROM order_lines l
JOIN products p ON p.id = l.product_id
GROUP BY p.category

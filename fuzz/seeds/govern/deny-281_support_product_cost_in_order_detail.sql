-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: products.cost is not in support's column list; an order-detail join may not read it.
SELECT p.name, p.price, p.cost
FROM order_lines l
JOIN products p ON p.id = l.product_id
WHERE l.order_id = 1

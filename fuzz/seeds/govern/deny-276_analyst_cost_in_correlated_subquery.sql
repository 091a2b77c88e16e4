-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: The hidden products.cost inside a correlated subquery over order lines.
SELECT l.order_id, l.line_no
FROM order_lines l
WHERE l.unit_price > 2 * (SELECT p.cost FROM products p WHERE p.id = l.product_id)

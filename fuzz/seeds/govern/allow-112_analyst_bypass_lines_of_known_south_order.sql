-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Orders 3, 6 and 9 belong to other regions (east, east, south); asking for their lines by order id returns nothing.
SELECT order_id, line_no, product_id, quantity
FROM order_lines
WHERE order_id IN (3, 6, 9)

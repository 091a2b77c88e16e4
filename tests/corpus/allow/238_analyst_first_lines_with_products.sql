-- role: analyst
-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: the first order lines in key order with their product names: the products' keys keep the join one for one, and PostgreSQL reads the lines along their key and stops; the answer is the filtered copy's.
SELECT l.order_id, l.line_no, p.name, upper(p.category) AS category, l.quantity
FROM order_lines l
JOIN products p ON p.id = l.product_id
ORDER BY l.order_id, l.line_no
LIMIT 9 OFFSET 3

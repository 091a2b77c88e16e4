-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Correlated subqueries over filtered tables (a sum per order, an EXISTS per customer): on PostgreSQL the correlated key equality runs inside the row filter's fence, an index lookup per outer row, with the same rows as the hand-filtered copy.
SELECT o.id, (SELECT sum(l.quantity) FROM order_lines l WHERE l.order_id = o.id) AS units,
       EXISTS (SELECT 1 FROM orders o2 WHERE o2.customer_id = o.customer_id AND o2.id <> o.id) AS repeat_buyer
FROM orders o
WHERE (SELECT sum(l.quantity) FROM order_lines l WHERE l.order_id = o.id) > 10
ORDER BY o.id
LIMIT 20

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Lines narrowed by the caller (the many side) hand no keys to orders; customers narrowed by segment hand theirs to the orders fence (PostgreSQL). The answer is the filtered copy's.
SELECT c.segment, o.status, count(*) AS big_lines
FROM order_lines l, orders o, customers c
WHERE l.quantity >= 4 AND l.order_id = o.id AND c.id = o.customer_id AND c.segment IN ('smb', 'enterprise')
GROUP BY c.segment, o.status
ORDER BY 1, 2

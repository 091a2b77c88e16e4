-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Zero-padded order numbers and months (lpad of a cast): the width is a small literal, and lpad cuts or pads to it.
SELECT 'ORD-' || lpad(o.id::text, 6, '0') AS order_no,
       extract(year FROM o.ordered_at)::text || '-' || lpad(extract(month FROM o.ordered_at)::text, 2, '0') AS month
FROM orders o
ORDER BY o.id
LIMIT 5

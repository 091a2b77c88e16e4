-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: No visible order line points to an invisible order: the left anti-join is empty (count 0).
SELECT count(*) AS orphan_lines
FROM order_lines l
LEFT JOIN orders o ON o.id = l.order_id
WHERE o.id IS NULL

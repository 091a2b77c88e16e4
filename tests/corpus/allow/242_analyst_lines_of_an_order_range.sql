-- role: analyst
-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: a range on the lines' order key also bounds the orders their row filter's subquery reads (PostgreSQL), so only the range's orders are looked up; a predicate that would fail on a hidden line still never runs on one; the answer is the filtered copy's.
SELECT l.product_id, count(*) AS lines, sum(l.quantity) AS units
FROM order_lines l
WHERE l.order_id BETWEEN 1 AND 40
  AND 1 / (CASE WHEN l.order_id = 3 THEN 0 ELSE 1 END) = 1
GROUP BY l.product_id
ORDER BY lines DESC, l.product_id
LIMIT 10

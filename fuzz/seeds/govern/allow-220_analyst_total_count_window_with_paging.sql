-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A page of rows with the total count by count(*) OVER (), ordered by a CASE, and LIMIT with OFFSET.
SELECT id, status, ordered_at, count(*) OVER () AS total
FROM orders
WHERE ordered_at BETWEEN '2025-06-01' AND '2025-06-30'
ORDER BY CASE status WHEN 'pending' THEN 0 WHEN 'shipped' THEN 1 ELSE 2 END, id
LIMIT 10 OFFSET 10

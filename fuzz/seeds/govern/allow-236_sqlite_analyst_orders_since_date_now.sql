-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: SQLite's date functions of literals are constants there and move inside the fence; the answer is the filtered copy's.
SELECT status, count(*) AS n
FROM orders
WHERE ordered_at >= date('now', '-1100 days') AND ordered_at < datetime('now', 'start of month')
GROUP BY status
ORDER BY status

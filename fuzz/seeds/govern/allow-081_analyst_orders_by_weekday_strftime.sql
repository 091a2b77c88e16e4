-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: SQLite strftime('%w'): orders per weekday in 2025.
SELECT strftime('%w', ordered_at) AS dow, count(*) AS orders
FROM orders
WHERE ordered_at >= '2025-01-01'
GROUP BY 1
ORDER BY 1

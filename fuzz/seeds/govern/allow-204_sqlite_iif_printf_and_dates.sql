-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: SQLite idioms: iif, printf, strftime buckets, date modifiers and group_concat with a separator and ORDER BY.
SELECT strftime('%Y-%m', ordered_at) AS month,
       printf('%.1f%%', 100.0 * sum(iif(status = 'delivered', 1, 0)) / count(*)) AS delivered_share,
       group_concat(status, ',' ORDER BY status) AS statuses,
       max(julianday(ordered_at)) - min(julianday(ordered_at)) AS span_days
FROM orders
WHERE ordered_at >= date('2025-12-31', '-90 days')
GROUP BY 1
ORDER BY 1

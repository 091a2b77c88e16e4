-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Date helpers analysts reach for: date_bin, to_date, to_char, make_interval and justify_days.
SELECT date_bin('14 days', ordered_at, TIMESTAMP '2024-01-01') AS fortnight,
       to_char(min(ordered_at), 'YYYY-MM-DD') AS first_day,
       count(*) AS n,
       justify_days(make_interval(days => count(*)::int)) AS as_interval
FROM orders
WHERE ordered_at >= to_date('2025-01-01', 'YYYY-MM-DD') AND ordered_at < DATE '2025-03-01'
GROUP BY 1
ORDER BY 1

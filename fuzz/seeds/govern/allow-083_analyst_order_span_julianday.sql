-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: SQLite julianday: order count, first and last order day of the own region and the span between them.
SELECT count(*) AS orders,
       min(date(ordered_at)) AS first_day,
       max(date(ordered_at)) AS last_day,
       round(julianday(max(ordered_at)) - julianday(min(ordered_at))) AS span_days
FROM orders

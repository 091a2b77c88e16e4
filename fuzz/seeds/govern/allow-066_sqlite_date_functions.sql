SELECT customer_id,
       min(date(ordered_at)) AS first_day,
       max(datetime(ordered_at)) AS last_ts,
       round(julianday(max(ordered_at)) - julianday(min(ordered_at))) AS span_days,
       strftime('%Y', min(ordered_at)) AS first_year
FROM orders
GROUP BY customer_id
ORDER BY span_days DESC
LIMIT 10

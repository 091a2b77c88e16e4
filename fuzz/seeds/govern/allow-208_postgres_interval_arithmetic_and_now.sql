-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Relative dates as models write them: now() - INTERVAL, CURRENT_DATE and extract(epoch from an interval).
SELECT count(*) FILTER (WHERE ordered_at > now() - INTERVAL '3650 days') AS last_ten_years,
       count(*) FILTER (WHERE ordered_at::date < CURRENT_DATE - 30) AS older_than_a_month,
       round(avg(EXTRACT(EPOCH FROM (TIMESTAMP '2026-01-01' - ordered_at)) / 86400)::numeric, 1) AS avg_age_days
FROM orders

-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: issue 8: a day spine from arithmetic on the clock, the everyday "last 30 days" report.
SELECT d::date AS day, (SELECT count(*) FROM orders o WHERE o.ordered_at::date = d::date) AS n FROM generate_series(current_date - 30, current_date, interval '1 day') AS d ORDER BY day

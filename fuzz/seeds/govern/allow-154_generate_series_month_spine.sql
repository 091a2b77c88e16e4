-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: issue 8: a month spine for a zero-filled monthly report; the data's range and a one-month step bound its rows.
WITH months AS (SELECT generate_series(date_trunc('month', min(ordered_at)), date_trunc('month', max(ordered_at)), '1 month') AS m FROM orders)
SELECT months.m, count(o.id) AS orders FROM months LEFT JOIN orders o ON date_trunc('month', o.ordered_at) = months.m GROUP BY months.m ORDER BY months.m

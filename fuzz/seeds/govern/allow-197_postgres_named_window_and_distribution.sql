-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: A named WINDOW clause shared by rank, percent_rank and cume_dist, and a frame by RANGE.
SELECT id, customer_id, ordered_at,
       rank() OVER w AS r, round(percent_rank() OVER w::numeric, 3) AS pr, round(cume_dist() OVER w::numeric, 3) AS cd,
       count(*) OVER (ORDER BY ordered_at RANGE BETWEEN INTERVAL '7 days' PRECEDING AND CURRENT ROW) AS last_week
FROM orders
WINDOW w AS (PARTITION BY customer_id ORDER BY ordered_at)
ORDER BY customer_id, ordered_at, id
FETCH FIRST 40 ROWS ONLY

-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: issue 8: everyday functions from PostgreSQL's math, string and aggregate chapters (allowlist review).
SELECT status, encode(sha256(convert_to(status, 'UTF8')), 'hex') AS h, trim_scale(round(avg(id)::numeric, 4)) AS a, regr_sxx(id, customer_id) AS r, bit_xor(id) AS x, round(cosd(60)::numeric, 6) AS c, clock_timestamp() IS NOT NULL AS t FROM orders GROUP BY status ORDER BY status

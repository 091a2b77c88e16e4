-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: An inner LIMIT at the largest bigint plus an OFFSET, pushed into the fence, must stay a valid bigint.
SELECT x.id FROM (SELECT o.id FROM orders o ORDER BY o.id LIMIT 9223372036854775807 OFFSET 1) x ORDER BY 1 LIMIT 3

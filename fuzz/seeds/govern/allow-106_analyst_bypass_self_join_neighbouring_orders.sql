-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Self-joining orders on consecutive ids only pairs own-region orders (both sides are filtered).
SELECT count(*) AS pairs, count(DISTINCT b.region) AS regions
FROM orders a
JOIN orders b ON b.id = a.id + 1

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: An OR 1 = 1 in the caller's WHERE cannot widen the row filter, which is ANDed outside it.
SELECT count(*) AS orders
FROM orders
WHERE region <> 'north' OR 1 = 1

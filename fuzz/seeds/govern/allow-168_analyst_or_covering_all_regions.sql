-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: An OR covering every region, moved inside the fence, must not widen the row filter.
SELECT region, count(*) AS n FROM orders WHERE region = 'north' OR region <> 'north' GROUP BY 1 ORDER BY 1

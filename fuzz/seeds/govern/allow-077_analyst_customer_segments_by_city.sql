-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Customer counts per city and segment of the own region.
SELECT city, segment, count(*) AS customers
FROM customers
GROUP BY city, segment
ORDER BY city, segment

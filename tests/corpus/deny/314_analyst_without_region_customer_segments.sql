-- role: analyst
-- dialect: any
-- expect: deny attribute_missing
-- why: customers is row-filtered by region; no region attribute, no rows.
SELECT c.segment, count(*) AS customers
FROM customers c
GROUP BY c.segment

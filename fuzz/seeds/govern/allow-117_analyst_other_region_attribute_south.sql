-- attrs: region=south
-- dialect: any
-- expect: allow
-- why: The row filter follows the principal's attribute: an analyst of the south sees only south customers.
SELECT region, count(*) AS customers
FROM customers
GROUP BY region

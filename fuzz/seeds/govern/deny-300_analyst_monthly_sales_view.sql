-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: The monthly_sales view is not granted to analysts (it aggregates every region).
SELECT month, revenue
FROM monthly_sales
WHERE region = 'north'

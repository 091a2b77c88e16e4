-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: A CTE column called cost holds the visible price; reading it is not reading products.cost.
WITH p AS (SELECT id, price AS cost FROM products)
SELECT max(cost) AS highest_price
FROM p

-- role: analyst
-- dialect: any
-- expect: allow
-- why: products has no row filter, so an analyst without a region attribute may still read the catalogue (no filtered table is touched).
SELECT category, count(*) AS products, round(avg(price), 2) AS avg_price
FROM products
GROUP BY category
ORDER BY category

SELECT floor(price / 50) * 50 AS bucket, count(*) AS products, round(sqrt(avg(price * price)), 2) AS rms,
       ceil(max(price)) AS top, round(ln(max(price)), 3) AS ln_top, pow(2, 3) AS eight, round(log10(1000.0), 1) AS three
FROM products
GROUP BY 1
ORDER BY 1

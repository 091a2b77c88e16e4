SELECT split_part(sku, '-', 1) AS prefix, initcap(category) AS category, count(*) AS n
FROM products
WHERE category = ANY(ARRAY['books', 'toys', 'garden']) OR name SIMILAR TO '%(Pro|Max)%'
GROUP BY 1, 2
ORDER BY 3 DESC, 1, 2

SELECT sku,
       concat(name, ' (', category, ')') AS label,
       greatest(price - cost, 0) AS unit_margin,
       least(price, 100) AS capped_price,
       ceil(price) AS price_up,
       floor(cost) AS cost_down
FROM products
ORDER BY id
LIMIT 10

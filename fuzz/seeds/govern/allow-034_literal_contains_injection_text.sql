SELECT count(*) AS matches
FROM customers
WHERE name = '''; DROP TABLE orders; --'

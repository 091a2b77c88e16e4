SELECT id, name, city
FROM customers
WHERE city LIKE 'S%'
  AND created_at BETWEEN '2020-01-01' AND '2025-12-31'
ORDER BY id

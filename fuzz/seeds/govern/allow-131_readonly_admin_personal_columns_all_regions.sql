SELECT id, name, email, national_id, birth_date, region
FROM customers
WHERE region = 'south'
ORDER BY id
LIMIT 10

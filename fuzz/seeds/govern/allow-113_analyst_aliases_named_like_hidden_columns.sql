-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Output aliases named email and phone are just names for visible columns.
SELECT name AS email, city AS phone
FROM customers
WHERE segment = 'smb'
ORDER BY id
LIMIT 5

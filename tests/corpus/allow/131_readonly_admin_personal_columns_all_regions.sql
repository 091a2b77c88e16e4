-- role: readonly_admin
-- dialect: any
-- expect: allow
-- why: readonly_admin sees personal columns and every region.
SELECT id, name, email, national_id, birth_date, region
FROM customers
WHERE region = 'south'
ORDER BY id
LIMIT 10

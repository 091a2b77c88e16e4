-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: Support may verify a caller's date of birth (birth_date is visible to support).
SELECT id, name
FROM customers
WHERE email = 'omar.scott9@example.com' AND birth_date = '1992-04-22'

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Support finds a customer by phone number.
SELECT id, name, email, city
FROM customers
WHERE phone = '+1-317-555-7730'

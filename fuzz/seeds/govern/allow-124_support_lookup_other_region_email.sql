-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: An e-mail of a south customer is not found by a north support agent.
SELECT id, name, phone
FROM customers
WHERE email = 'daniel.gonzalez1@example.com'

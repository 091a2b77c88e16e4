-- dialect: any
-- expect: deny statement_kind
-- why: A statement that begins with WITH but whose main body is an INSERT.
WITH src AS (SELECT id FROM customers WHERE region = 'north')
INSERT INTO orders (customer_id, employee_id, status, region) SELECT id, 1, 'pending', 'north' FROM src

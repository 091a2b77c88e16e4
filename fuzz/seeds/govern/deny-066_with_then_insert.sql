WITH src AS (SELECT id FROM customers WHERE region = 'north')
INSERT INTO orders (customer_id, employee_id, status, region) SELECT id, 1, 'pending', 'north' FROM src

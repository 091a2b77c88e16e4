-- dialect: postgres
-- expect: deny locking_clause
-- why: FOR UPDATE inside an IN subquery in WHERE.
SELECT * FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE region = 'north' FOR UPDATE)

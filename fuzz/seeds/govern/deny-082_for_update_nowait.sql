SELECT * FROM customers WHERE region = 'north' FOR UPDATE NOWAIT

SELECT count(*) FROM customers; SELECT count(*) FROM orders

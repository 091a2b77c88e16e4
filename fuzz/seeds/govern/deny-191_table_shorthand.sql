SELECT * FROM customers UNION TABLE customers

SELECT * INTO stolen_customers FROM customers

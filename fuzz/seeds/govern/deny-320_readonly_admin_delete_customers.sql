DELETE FROM customers WHERE region = 'north'

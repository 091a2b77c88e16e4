SELECT id, name FROM customers WHERE region = 'nor​th'

SELECT * FROM temp.orders

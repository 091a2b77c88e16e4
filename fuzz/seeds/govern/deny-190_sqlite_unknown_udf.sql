SELECT my_udf(name) FROM customers

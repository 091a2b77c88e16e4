EXPLAIN (ANALYZE true, FORMAT JSON) SELECT * FROM customers WHERE region = 'north'

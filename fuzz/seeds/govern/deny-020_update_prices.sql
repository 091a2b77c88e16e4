UPDATE products SET price = 0.01 WHERE category = 'Electronics'

SELECT 1 /* harmless; really */ ; UPDATE products SET price = 0

INSERT OR REPLACE INTO products (id, sku, name, category, cost, price, active) VALUES (1, 'X', 'x', 'x', 0, 0, 1)

SELECT * FROM orders WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolsuper AND rolname = 'postgres')

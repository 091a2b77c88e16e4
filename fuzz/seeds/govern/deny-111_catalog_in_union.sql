SELECT name FROM customers UNION SELECT usename FROM pg_user

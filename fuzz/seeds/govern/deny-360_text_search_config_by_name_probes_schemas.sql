SELECT to_tsvector('hr_secret.nope', name) FROM customers

CREATE TABLE leak AS SELECT name, email, national_id FROM customers

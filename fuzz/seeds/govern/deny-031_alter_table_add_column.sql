ALTER TABLE customers ADD COLUMN pwned integer

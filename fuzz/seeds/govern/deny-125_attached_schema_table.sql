SELECT * FROM other.customers

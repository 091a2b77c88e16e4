SELECT * FROM "Customers"

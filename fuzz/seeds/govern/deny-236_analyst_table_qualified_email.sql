-- attrs: region=north
-- dialect: any
-- expect: deny column_hidden
-- why: A table-qualified hidden column (customers.email).
SELECT customers.id, customers.email
FROM customers

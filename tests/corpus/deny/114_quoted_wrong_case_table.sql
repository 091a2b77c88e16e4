-- dialect: postgres
-- expect: deny table_not_granted
-- why: Quoted identifiers are case-sensitive in PostgreSQL: "Customers" is not the granted table customers.
SELECT * FROM "Customers"

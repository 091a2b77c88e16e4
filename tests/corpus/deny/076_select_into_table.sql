-- dialect: postgres
-- expect: deny select_into
-- why: SELECT ... INTO creates a new table, a write disguised as a SELECT.
SELECT * INTO stolen_customers FROM customers

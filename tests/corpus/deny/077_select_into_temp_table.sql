-- dialect: postgres
-- expect: deny select_into
-- why: SELECT INTO TEMP TABLE still creates a table.
SELECT name, email INTO TEMP TABLE pii FROM customers

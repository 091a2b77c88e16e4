-- dialect: postgres
-- expect: deny select_into
-- why: SELECT INTO UNLOGGED creates an unlogged table.
SELECT id INTO UNLOGGED t FROM orders

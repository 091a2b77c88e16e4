-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function in an IN list.
SELECT * FROM orders WHERE id IN (1, 2, nextval('orders_id_seq'))

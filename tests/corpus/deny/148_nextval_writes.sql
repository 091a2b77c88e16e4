-- dialect: postgres
-- expect: deny function_not_allowed
-- why: nextval advances a sequence (a write).
SELECT nextval('orders_id_seq')

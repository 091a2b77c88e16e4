-- dialect: postgres
-- expect: deny function_not_allowed
-- why: Denied function as a window function argument.
SELECT id, sum(nextval('orders_id_seq')) OVER (ORDER BY id) FROM orders

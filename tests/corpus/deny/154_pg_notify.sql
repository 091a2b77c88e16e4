-- dialect: postgres
-- expect: deny function_not_allowed
-- why: pg_notify sends data to other sessions.
SELECT pg_notify('orders_channel', 'hello')

SELECT pg_notify('orders_channel', 'hello')

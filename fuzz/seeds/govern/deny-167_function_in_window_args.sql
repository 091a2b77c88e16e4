SELECT id, sum(nextval('orders_id_seq')) OVER (ORDER BY id) FROM orders

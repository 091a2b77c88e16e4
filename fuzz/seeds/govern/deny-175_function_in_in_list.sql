SELECT * FROM orders WHERE id IN (1, 2, nextval('orders_id_seq'))

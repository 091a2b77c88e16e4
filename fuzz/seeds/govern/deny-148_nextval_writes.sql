SELECT nextval('orders_id_seq')

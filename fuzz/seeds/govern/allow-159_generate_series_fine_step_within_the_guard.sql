SELECT count(*) FROM generate_series((SELECT min(ordered_at) FROM orders), (SELECT min(ordered_at) FROM orders) + interval '1 day', '1 second')

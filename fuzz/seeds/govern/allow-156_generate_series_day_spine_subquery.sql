SELECT count(*) AS weeks FROM generate_series((SELECT min(ordered_at) FROM orders), (SELECT max(ordered_at) FROM orders), interval '1 week') AS w(week)

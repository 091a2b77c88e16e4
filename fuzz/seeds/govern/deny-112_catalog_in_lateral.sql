SELECT c.id, a.query FROM customers c, LATERAL (SELECT query FROM pg_stat_activity LIMIT 1) a

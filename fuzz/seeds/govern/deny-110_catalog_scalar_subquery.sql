SELECT (SELECT passwd FROM pg_shadow LIMIT 1) AS p

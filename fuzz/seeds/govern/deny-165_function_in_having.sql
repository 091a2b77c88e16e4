SELECT region, count(*) FROM orders GROUP BY region HAVING current_setting('is_superuser') = 'on'

-- attrs: region=north
-- dialect: sqlite
-- expect: deny column_hidden
-- why: SQLite strftime over a hidden date column.
SELECT strftime('%Y', birth_date) AS born, count(*) AS customers
FROM customers
GROUP BY 1

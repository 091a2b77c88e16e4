-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: A hidden column as the argument of a window function (lag).
SELECT id, lag(email) OVER (ORDER BY id) AS previous_email
FROM customers

-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: = ANY over an array of integer constants is the integer equality for each element and moves inside the fence; customers of other regions in the array get no rows.
SELECT o.customer_id, count(*) AS orders
FROM orders o
WHERE o.customer_id = ANY (ARRAY[1, 2, 3, 7, 8, 15, 34, 36])
GROUP BY o.customer_id
ORDER BY o.customer_id

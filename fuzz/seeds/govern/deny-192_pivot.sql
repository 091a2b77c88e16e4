SELECT * FROM orders PIVOT (count(id) FOR status IN ('shipped', 'cancelled')) AS p

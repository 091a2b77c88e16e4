-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: GROUP BY the output alias of a filtered table's primary key, with its other columns selected: as GROUP BY c.id, the table's dependent columns are added.
SELECT c.id AS cid, c.name, count(o.id) AS n FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY cid ORDER BY n DESC, cid LIMIT 10

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Scalar subqueries asking for other regions' counts return 0.
SELECT (SELECT count(*) FROM orders WHERE region = 'south') AS south_orders,
       (SELECT count(*) FROM customers WHERE region = 'west') AS west_customers,
       (SELECT max(id) FROM customers) AS highest_visible_id

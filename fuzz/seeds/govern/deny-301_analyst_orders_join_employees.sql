-- attrs: region=north
-- dialect: any
-- expect: deny table_not_granted
-- why: A join from granted orders to the ungranted employees table.
SELECT o.id, e.name AS sales_rep
FROM orders o
JOIN employees e ON e.id = o.employee_id

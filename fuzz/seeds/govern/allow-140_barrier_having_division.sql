-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: HAVING on a grouping column may be pushed below the GROUP BY by the planner; customer 36 is east.
SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id HAVING 1/(CASE WHEN customer_id = 36 THEN 0 ELSE 1 END) = 1 ORDER BY customer_id

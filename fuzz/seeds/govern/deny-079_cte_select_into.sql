WITH big AS (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id)
SELECT * INTO top_customers FROM big WHERE n > 10

SELECT count(*) AS "delete", max(id) AS "drop", min(status) AS "update"
FROM orders

-- dialect: any
-- expect: allow
-- why: Quoted column aliases that are SQL keywords (delete, drop, update) are just names.
SELECT count(*) AS "delete", max(id) AS "drop", min(status) AS "update"
FROM orders

-- role: readonly_admin
-- dialect: any
-- expect: allow
-- why: No row filter for readonly_admin: all four regions come back.
SELECT region, count(*) AS orders
FROM orders
GROUP BY region
ORDER BY region

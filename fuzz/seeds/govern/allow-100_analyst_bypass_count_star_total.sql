-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: Plain totals count only own-region rows of every filtered table.
SELECT (SELECT count(*) FROM customers) AS customers,
       (SELECT count(*) FROM orders) AS orders,
       (SELECT count(*) FROM order_lines) AS order_lines

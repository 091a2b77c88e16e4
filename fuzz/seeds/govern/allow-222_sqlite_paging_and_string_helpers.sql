-- attrs: region=north
-- dialect: sqlite
-- expect: allow
-- why: SQLite's LIMIT offset, count form, ifnull, instr, substr, total() and CAST of strftime.
SELECT p.category, substr(p.sku, 1, instr(p.sku || '-', '-') - 1) AS prefix,
       CAST(strftime('%w', o.ordered_at) AS INTEGER) AS weekday,
       total(l.quantity) AS units, ifnull(max(l.discount), 0) AS max_discount
FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
GROUP BY 1, 2, 3
ORDER BY units DESC, 1, 2, 3
LIMIT 5, 10

-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: a row value of two columns against row values of constants compares column by column with leakproof operators and moves inside the lines fence; hidden orders' lines stay hidden.
SELECT l.order_id, l.line_no, l.quantity
FROM order_lines l
WHERE (l.order_id, l.line_no) IN ((1, 1), (2, 1), (3, 1), (20, 1), (20, 2))
ORDER BY 1, 2

-- role: analyst
-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: DATE literals against the timestamp column, as models write a quarter: written as timestamps inside the orders fence, which then hands its keys to the lines fence; the answer is the filtered copy's.
SELECT date_trunc('month', o.ordered_at) AS month, count(DISTINCT o.id) AS orders, sum(l.quantity * l.unit_price) AS revenue
FROM orders o JOIN order_lines l ON l.order_id = o.id
WHERE o.ordered_at >= DATE '2025-04-01' AND o.ordered_at < '2025-07-01'::date
GROUP BY 1
ORDER BY 1

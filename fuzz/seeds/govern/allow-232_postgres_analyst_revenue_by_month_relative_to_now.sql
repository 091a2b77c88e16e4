-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: orders since a time relative to now (a timestamptz against the timestamp column): the orders fence takes a looser copy of the bound, hands its keys to the lines, and the caller's predicate stays above; the answer is the filtered copy's.
SELECT date_trunc('month', o.ordered_at) AS month, p.category,
       sum(l.quantity * l.unit_price * (1 - l.discount)) AS revenue
FROM orders o
JOIN order_lines l ON l.order_id = o.id
JOIN products p ON p.id = l.product_id
WHERE o.ordered_at >= date_trunc('year', now()) - interval '3 years'
  AND o.status NOT IN ('cancelled', 'returned')
GROUP BY 1, 2
ORDER BY 1, 2

-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: A LATERAL subquery sees the items before it; an aliased join exposes its sides' columns under the alias.
SELECT count(*) AS pairs, sum(x.n) AS lines, count(DISTINCT j.segment) AS segments FROM orders a
JOIN LATERAL (SELECT count(*) AS n FROM order_lines l WHERE l.order_id = a.id) x ON true
JOIN (orders o2 JOIN customers c ON c.id = o2.customer_id) AS j ON j.customer_id = a.customer_id

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: leakproof predicates (key equality, IN list, range, IS NOT NULL, OR) move inside the barrier and still answer exactly the visible rows.
SELECT o.id, o.status FROM orders o JOIN customers c ON c.id = o.customer_id AND c.id BETWEEN 1 AND 200 WHERE o.id IN (1, 2, 3, 4, 5, 40) AND (o.status = 'delivered' OR o.status = 'shipped') AND o.ordered_at IS NOT NULL ORDER BY o.id

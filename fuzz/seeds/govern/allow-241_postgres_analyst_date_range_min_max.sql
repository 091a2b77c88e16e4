-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: min and max of fenced tables' columns are read from the ends of the fence in its own order (an index serves them), under the aggregates' own names; the answer is the filtered copy's.
SELECT min(ordered_at) AS first_order, max(ordered_at) AS last_order,
       max(ordered_at)::date - min(ordered_at)::date AS days, max(id), min(customer_id)
FROM orders

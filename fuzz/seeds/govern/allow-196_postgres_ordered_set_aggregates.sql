-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Median, quartiles and the mode of line values, with ordered-set aggregates.
SELECT p.category,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY l.quantity * l.unit_price) AS median_value,
       percentile_disc(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY l.quantity) AS quartiles,
       mode() WITHIN GROUP (ORDER BY l.quantity) AS usual_quantity
FROM order_lines l JOIN products p ON p.id = l.product_id
GROUP BY p.category
ORDER BY p.category

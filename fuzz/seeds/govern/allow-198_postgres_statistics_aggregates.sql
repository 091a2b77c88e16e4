-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: Correlation and regression between quantity and price, per category.
SELECT p.category, round(corr(l.quantity, l.unit_price)::numeric, 4) AS c,
       round(regr_slope(l.quantity, l.unit_price)::numeric, 4) AS slope,
       round(stddev_samp(l.unit_price)::numeric, 2) AS sd, round(var_pop(l.quantity)::numeric, 2) AS v,
       bool_or(l.discount > 0) AS any_discount, every(l.quantity > 0) AS all_positive
FROM order_lines l JOIN products p ON p.id = l.product_id
GROUP BY p.category
ORDER BY p.category

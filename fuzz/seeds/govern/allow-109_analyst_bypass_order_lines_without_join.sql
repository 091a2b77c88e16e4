-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: order_lines carries no region; its filter follows the order, so a bare aggregate only sums own-region lines.
SELECT count(*) AS lines, sum(quantity) AS units, count(DISTINCT order_id) AS orders
FROM order_lines

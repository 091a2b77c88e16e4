SELECT cur.region, cur.month, cur.revenue,
       prev.revenue AS revenue_prev_year,
       round(100.0 * (cur.revenue - prev.revenue) / nullif(prev.revenue, 0), 1) AS growth_pct
FROM monthly_sales cur
LEFT JOIN monthly_sales prev
  ON prev.region = cur.region
 AND substr(prev.month, 6, 2) = substr(cur.month, 6, 2)
 AND CAST(substr(prev.month, 1, 4) AS INTEGER) = CAST(substr(cur.month, 1, 4) AS INTEGER) - 1
WHERE cur.month >= '2025-01'
ORDER BY cur.region, cur.month

SELECT date_trunc('quarter', ordered_at) AS quarter,
       extract(year FROM ordered_at) AS yr,
       to_char(date_trunc('quarter', ordered_at), 'YYYY-"Q"Q') AS label,
       count(*) AS orders
FROM orders
GROUP BY 1, 2, 3
ORDER BY 1

SELECT segment,
       round(avg(extract(year FROM age(current_date, birth_date))), 1) AS avg_age,
       min(make_date(2025, 12, 31) - birth_date) AS youngest_age_days,
       now() > max(created_at) AS created_in_past
FROM customers
GROUP BY segment
ORDER BY segment

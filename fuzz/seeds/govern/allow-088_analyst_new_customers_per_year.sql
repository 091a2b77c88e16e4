-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: New customers per sign-up year (created_at is visible, birth_date is not used).
SELECT substr(CAST(created_at AS TEXT), 1, 4) AS signup_year, count(*) AS customers
FROM customers
GROUP BY 1
ORDER BY 1

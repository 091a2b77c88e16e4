DROP VIEW monthly_sales

SELECT 1 AS one /* ; DROP TABLE orders ; */, 2 AS two

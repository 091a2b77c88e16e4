WITH locked AS (SELECT * FROM customers FOR SHARE) SELECT count(*) FROM locked

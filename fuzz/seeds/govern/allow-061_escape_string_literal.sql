SELECT E'it\'s fine; really' AS note, count(*) AS products FROM products

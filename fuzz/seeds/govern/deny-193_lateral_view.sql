SELECT c.id FROM customers c LATERAL VIEW lower(c.city) t AS city_lc

-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: issue 12: SQLite drives this by the customer_id index and evaluates the overflowing abs() before the region filter (customer 36 and order 3 are east); PostgreSQL raises bigint out of range the same way.
SELECT count(*) FROM orders WHERE customer_id = 36 AND abs(CASE WHEN id = 3 THEN -9223372036854775808 ELSE 1 END) = 1

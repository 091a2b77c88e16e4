-- dialect: any
-- expect: deny unsupported_syntax
-- why: Hive LATERAL VIEW is parsed by sqlparser in every dialect but is not supported by the analyzer.
SELECT c.id FROM customers c LATERAL VIEW lower(c.city) t AS city_lc

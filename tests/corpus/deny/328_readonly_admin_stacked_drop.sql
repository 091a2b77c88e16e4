-- role: readonly_admin
-- dialect: any
-- expect: deny multiple_statements
-- why: A harmless SELECT followed by DROP TABLE.
SELECT count(*) FROM employees; DROP TABLE employees CASCADE

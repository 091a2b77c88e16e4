SELECT count(*) FROM employees; DROP TABLE employees CASCADE

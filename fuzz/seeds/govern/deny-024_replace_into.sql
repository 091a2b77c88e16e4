REPLACE INTO employees (id, name, email, title, department, salary, hired_at, region) VALUES (1, 'x', 'x@x', 'CEO', 'Executive', 1, '2020-01-01', 'east')

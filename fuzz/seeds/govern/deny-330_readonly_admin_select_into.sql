SELECT * INTO salaries_copy FROM employees

SELECT * FROM audit.salaries

UPDATE employees SET salary = salary * 2

SELECT format('%2000000000s', 'x')

SELECT lpad('x', 1000000000, 'y')

SELECT U&"pg\005fsleep"(10)

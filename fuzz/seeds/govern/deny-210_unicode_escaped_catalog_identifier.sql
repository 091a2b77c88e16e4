SELECT * FROM U&"pg\005fshadow"

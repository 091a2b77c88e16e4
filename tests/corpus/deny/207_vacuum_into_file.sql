-- dialect: sqlite
-- expect: deny parse_error
-- why: SQLite VACUUM INTO copies the whole database to an attacker-chosen file; sqlparser 0.63 cannot parse the INTO form (it would be statement_kind if it parsed).
VACUUM INTO '/tmp/exfil.db'

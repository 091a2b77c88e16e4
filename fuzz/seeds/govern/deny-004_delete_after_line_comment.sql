SELECT name FROM customers -- list the customers
; DELETE FROM customers

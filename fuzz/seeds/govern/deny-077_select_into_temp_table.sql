SELECT name, email INTO TEMP TABLE pii FROM customers

SELECT⁠count(*) FROM orders

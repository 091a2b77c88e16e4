SELECT $tag$ it's $$ nested ; $tag$; DELETE FROM order_lines

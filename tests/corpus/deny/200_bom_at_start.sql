-- dialect: any
-- expect: deny invisible_unicode
-- why: A BYTE ORDER MARK (U+FEFF) at the very start of the SQL text.
﻿SELECT count(*) FROM orders

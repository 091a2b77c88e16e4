PRAGMA query_only = 0

PRAGMA table_info('customers')

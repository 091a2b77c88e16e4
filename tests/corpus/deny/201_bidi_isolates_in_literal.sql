-- dialect: any
-- expect: deny invisible_unicode
-- why: RIGHT-TO-LEFT ISOLATE (U+2067) and POP DIRECTIONAL ISOLATE (U+2069) inside a literal change how the line is displayed.
SELECT count(*) FROM customers WHERE segment = 'smb⁧ -- admin only⁩'

-- dialect: any
-- expect: deny invisible_unicode
-- why: A RIGHT-TO-LEFT OVERRIDE (U+202E) inside a comment reorders the displayed text (Trojan Source).
SELECT * FROM orders WHERE status = 'shipped' /* ‮ ;sredro ELBAT PORD */

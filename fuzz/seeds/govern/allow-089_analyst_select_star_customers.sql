-- attrs: region=north
-- dialect: any
-- expect: allow
-- why: SELECT * is rewritten to the visible columns and own-region rows: no e-mail, phone, national id or birth date.
SELECT *
FROM customers

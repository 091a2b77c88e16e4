-- attrs: region=north
-- dialect: postgres
-- expect: deny column_hidden
-- why: Hashing a hidden column (md5) still derives from it; low-entropy ids are brute-forced from the hash.
SELECT id, md5(national_id) AS h
FROM customers

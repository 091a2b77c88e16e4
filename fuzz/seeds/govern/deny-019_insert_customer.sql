INSERT INTO customers (id, name, email, phone, national_id, birth_date, region, city)
VALUES (9999, 'Mallory', 'm@evil.test', '0', 'X', '2000-01-01', 'north', 'Nowhere')

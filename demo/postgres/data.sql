-- sqlwarden demo database: "Northwind-ish" company -- PostgreSQL data.
--
-- Run after demo/postgres/schema.sql on an empty database.  Plain transactional
-- statements only: works with psql -f and as ONE multi-statement simple-query
-- string.  Temporary helper tables live in pg_temp and are dropped at the end.
--
-- Every value is derived from the row number with integer arithmetic ("hashes"
-- such as (i * 7919 + 13) % 10007), never random(), so every load produces the
-- very same rows.  demo/sqlite/data.sql applies the SAME formulas and yields
-- identical rows (same ids, names, amounts, dates, statuses); if you change a
-- formula here, change it there too.
--
-- Rules that keep both dialects in agreement:
--   * counters are bigint (generate_series(1::bigint, n)), so no int4 overflow,
--     and only non-negative integers go through / and % (both truncate);
--   * money is computed as integer cents and divided by 100.0 at the end
--     (exact numeric in PostgreSQL);
--   * SQLite date('2024-01-01', '+N days') is written DATE '2024-01-01' + N here,
--     SQLite printf('%04d', x) is lpad(x::text, 4, '0');
--   * arithmetic inside || concatenation is always parenthesised
--     (|| binds tighter than + in SQLite but looser in PostgreSQL).
--
-- Resulting sizes: 500 customers, 120 products, 60 employees, 4000 orders,
-- 12000 order lines.

-- ---------------------------------------------------------------------------
-- Name lists shared by customers and employees (index 0..39).
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE pg_temp.demo_first_names (idx integer PRIMARY KEY, name text NOT NULL);
INSERT INTO pg_temp.demo_first_names (idx, name) VALUES
    (0,'James'),(1,'Mary'),(2,'John'),(3,'Patricia'),(4,'Robert'),
    (5,'Jennifer'),(6,'Michael'),(7,'Linda'),(8,'William'),(9,'Elizabeth'),
    (10,'David'),(11,'Barbara'),(12,'Richard'),(13,'Susan'),(14,'Joseph'),
    (15,'Jessica'),(16,'Thomas'),(17,'Sarah'),(18,'Charles'),(19,'Karen'),
    (20,'Daniel'),(21,'Nancy'),(22,'Matthew'),(23,'Lisa'),(24,'Anthony'),
    (25,'Betty'),(26,'Mark'),(27,'Sandra'),(28,'Steven'),(29,'Ashley'),
    (30,'Andrew'),(31,'Emily'),(32,'Kevin'),(33,'Michelle'),(34,'Brian'),
    (35,'Amanda'),(36,'Omar'),(37,'Sofia'),(38,'Hiroshi'),(39,'Priya');

CREATE TEMP TABLE pg_temp.demo_last_names (idx integer PRIMARY KEY, name text NOT NULL);
INSERT INTO pg_temp.demo_last_names (idx, name) VALUES
    (0,'Smith'),(1,'Johnson'),(2,'Williams'),(3,'Brown'),(4,'Jones'),
    (5,'Garcia'),(6,'Miller'),(7,'Davis'),(8,'Rodriguez'),(9,'Martinez'),
    (10,'Hernandez'),(11,'Lopez'),(12,'Gonzalez'),(13,'Wilson'),(14,'Anderson'),
    (15,'Thomas'),(16,'Taylor'),(17,'Moore'),(18,'Jackson'),(19,'Martin'),
    (20,'Lee'),(21,'Perez'),(22,'Thompson'),(23,'White'),(24,'Harris'),
    (25,'Sanchez'),(26,'Clark'),(27,'Ramirez'),(28,'Lewis'),(29,'Robinson'),
    (30,'Walker'),(31,'Young'),(32,'Allen'),(33,'King'),(34,'Wright'),
    (35,'Scott'),(36,'Nguyen'),(37,'Hill'),(38,'Patel'),(39,'Kim');

-- Regions (index 0..3) and four cities per region (city index 0..3).
CREATE TEMP TABLE pg_temp.demo_cities (region_idx integer NOT NULL, region text NOT NULL,
                               city_idx integer NOT NULL, city text NOT NULL,
                               PRIMARY KEY (region_idx, city_idx));
INSERT INTO pg_temp.demo_cities (region_idx, region, city_idx, city) VALUES
    (0,'north',0,'Minneapolis'),(0,'north',1,'Chicago'),(0,'north',2,'Detroit'),(0,'north',3,'Milwaukee'),
    (1,'south',0,'Houston'),(1,'south',1,'Atlanta'),(1,'south',2,'Miami'),(1,'south',3,'Nashville'),
    (2,'east',0,'New York'),(2,'east',1,'Boston'),(2,'east',2,'Philadelphia'),(2,'east',3,'Baltimore'),
    (3,'west',0,'Seattle'),(3,'west',1,'San Francisco'),(3,'west',2,'Denver'),(3,'west',3,'Portland');

-- ---------------------------------------------------------------------------
-- customers: 500 rows, ids 1..500, created in id order 2021-01-01..2023-12-28.
--   first name  = (i * 17 + 3) % 40          last name = (i * 7919 + 13) % 10007 % 40
--   region      = (i * 1299709 + 37) % 100: <30 north, <55 south, <83 east, else west
--   city        = (i * 104729 + 71) % 10009 % 4 (within the region)
--   segment     = (i * 104729 + 71) % 10009 / 4 % 10: <6 consumer, <9 smb, else enterprise
--   national_id = 'NID-' || 9 digits of (i * 982451653) % 10^9 (unique: multiplier is prime)
-- ---------------------------------------------------------------------------
WITH seq(i) AS (
    SELECT generate_series(1::bigint, 500)
),
h AS (
    SELECT i,
           (i * 17 + 3) % 40                 AS fn,
           (i * 7919 + 13) % 10007 % 40      AS ln,
           (i * 104729 + 71) % 10009         AS h2,
           (i * 1299709 + 37) % 100003       AS h3,
           CASE WHEN (i * 1299709 + 37) % 100 < 30 THEN 0
                WHEN (i * 1299709 + 37) % 100 < 55 THEN 1
                WHEN (i * 1299709 + 37) % 100 < 83 THEN 2
                ELSE 3 END                   AS rg
    FROM seq
)
INSERT INTO public.customers (id, name, email, phone, national_id, birth_date, region, city, segment, created_at)
SELECT h.i,
       f.name || ' ' || l.name,
       lower(f.name) || '.' || lower(l.name) || h.i::text || '@example.com',
       '+1-' || (200 + h.h2 % 800)::text || '-555-' || lpad((h.h3 % 10000)::text, 4, '0'),
       'NID-' || lpad(((h.i * 982451653) % 1000000000)::text, 9, '0'),
       DATE '1950-01-01' + ((h.i * 7793 + 101) % 18262)::int,                  -- born 1950..1999
       c.region,
       c.city,
       CASE WHEN h.h2 / 4 % 10 < 6 THEN 'consumer'
            WHEN h.h2 / 4 % 10 < 9 THEN 'smb'
            ELSE 'enterprise' END,
       TIMESTAMP '2021-01-01 00:00:00'
           + make_interval(days => ((h.i - 1) * 1095 / 500)::int,          -- day 0..1092
                           secs => 21600 + (h.i * 48271) % 50400)          -- 06:00..19:59:59
FROM h
JOIN pg_temp.demo_first_names f ON f.idx = h.fn
JOIN pg_temp.demo_last_names  l ON l.idx = h.ln
JOIN pg_temp.demo_cities      c ON c.region_idx = h.rg AND c.city_idx = h.h2 % 4
ORDER BY h.i;

-- ---------------------------------------------------------------------------
-- products: 120 rows, 15 per category, ids grouped by category.
--   price = (list_dollars + i % 3) dollars minus one cent     (e.g. 48.99)
--   cost  = price * (40 + (i * 7919 + 13) % 30) / 100, in whole cents, truncated
--           -> cost is 40..69 % of the price, always below it
--   active = 0 (discontinued) when (i * 7919 + 13) % 17 = 0
-- ---------------------------------------------------------------------------
WITH categories(idx, name, code) AS (
    VALUES (0, 'Electronics',            'ELE'),
           (1, 'Home & Kitchen',         'HOM'),
           (2, 'Office Supplies',        'OFF'),
           (3, 'Sports & Outdoors',      'SPO'),
           (4, 'Toys & Games',           'TOY'),
           (5, 'Beauty & Personal Care', 'BEA'),
           (6, 'Books',                  'BOO'),
           (7, 'Grocery',                'GRO')
),
catalog(id, name, list_dollars) AS (
    VALUES
    -- Electronics
    (1,'Wireless Earbuds',79),(2,'Noise-Cancelling Headphones',199),(3,'Bluetooth Speaker',59),
    (4,'USB-C Charger 65W',39),(5,'Power Bank 20000mAh',45),(6,'27-inch 4K Monitor',329),
    (7,'Mechanical Keyboard',109),(8,'Wireless Mouse',29),(9,'1080p Webcam',69),
    (10,'Smart Watch',249),(11,'Fitness Tracker',89),(12,'Portable SSD 1TB',119),
    (13,'Wi-Fi 6 Router',149),(14,'E-Reader',139),(15,'HDMI Cable 2m',12),
    -- Home & Kitchen
    (16,'Stainless Cookware Set',189),(17,'Nonstick Frying Pan',34),(18,'Cast Iron Skillet',42),
    (19,'Electric Kettle',39),(20,'Burr Coffee Grinder',79),(21,'French Press',29),
    (22,'High-Speed Blender',119),(23,'2-Slice Toaster',35),(24,'Bamboo Cutting Board',24),
    (25,'Knife Block Set',149),(26,'Glass Food Containers',32),(27,'Bath Towel Set',45),
    (28,'Cotton Bed Sheets',69),(29,'LED Desk Lamp',38),(30,'HEPA Air Purifier',159),
    -- Office Supplies
    (31,'Ballpoint Pens 12-Pack',7),(32,'Gel Pens 8-Pack',11),(33,'Spiral Notebook A5',5),
    (34,'Sticky Notes 12-Pack',9),(35,'Copy Paper 500 Sheets',8),(36,'Heavy-Duty Stapler',19),
    (37,'Paper Clips 100-Pack',3),(38,'Hanging File Folders 25-Pack',16),(39,'Mesh Desk Organizer',22),
    (40,'Whiteboard Markers 4-Pack',8),(41,'Highlighters 6-Pack',6),(42,'3-Ring Binder 2-inch',9),
    (43,'Label Maker',39),(44,'Envelopes 50-Pack',10),(45,'Ergonomic Office Chair',229),
    -- Sports & Outdoors
    (46,'Yoga Mat',29),(47,'Adjustable Dumbbells',149),(48,'Resistance Bands Set',22),
    (49,'Insulated Water Bottle',25),(50,'2-Person Tent',129),(51,'Sleeping Bag',79),
    (52,'Hiking Backpack 40L',99),(53,'Trekking Poles',49),(54,'Camping Stove',59),
    (55,'Running Shoes',119),(56,'Cycling Helmet',65),(57,'Jump Rope',12),
    (58,'Foam Roller',24),(59,'Soccer Ball',27),(60,'Tennis Racket',89),
    -- Toys & Games
    (61,'Building Blocks Set',49),(62,'1000-Piece Puzzle',19),(63,'Strategy Board Game',44),
    (64,'Classic Card Game',14),(65,'Remote Control Car',59),(66,'Plush Bear',18),
    (67,'Wooden Train Set',69),(68,'Art and Craft Kit',26),(69,'Science Experiment Kit',39),
    (70,'Dollhouse',119),(71,'Mini Drone',89),(72,'Magnetic Tiles',54),
    (73,'Kids Scooter',79),(74,'Water Blaster',16),(75,'Chess Set',34),
    -- Beauty & Personal Care
    (76,'Moisturizing Face Cream',24),(77,'Vitamin C Serum',29),(78,'Sunscreen SPF 50',15),
    (79,'Gentle Shampoo',12),(80,'Conditioner',12),(81,'Electric Toothbrush',69),
    (82,'Hair Dryer',59),(83,'Beard Trimmer',45),(84,'Body Lotion',11),
    (85,'Lip Balm 3-Pack',7),(86,'Makeup Brush Set',27),(87,'Eau de Parfum 50ml',79),
    (88,'Nail Care Kit',18),(89,'Bamboo Hairbrush',15),(90,'Bath Bombs 6-Pack',21),
    -- Books
    (91,'The Pragmatic Databaser',39),(92,'SQL for Everyone',34),(93,'Data Privacy Handbook',45),
    (94,'Weeknight Dinners Cookbook',27),(95,'A History of the Atlantic',31),(96,'Mystery at Harbor Lane',16),
    (97,'The Quiet Orchard',15),(98,'Field Guide to Birds',24),(99,'Beginner Watercolor',22),
    (100,'Mindful Mornings',18),(101,'Startup Finance Basics',29),(102,'Space Atlas',35),
    (103,'Kids Picture Dictionary',14),(104,'Poetry of the Seasons',13),(105,'Travel Phrasebook',11),
    -- Grocery
    (106,'Organic Coffee Beans 1kg',24),(107,'Green Tea 100 Bags',9),(108,'Extra Virgin Olive Oil 1L',16),
    (109,'Dark Chocolate Bar',4),(110,'Mixed Nuts 500g',13),(111,'Basmati Rice 5kg',15),
    (112,'Whole Wheat Pasta',3),(113,'Maple Syrup 500ml',12),(114,'Granola 750g',8),
    (115,'Sparkling Water 12-Pack',7),(116,'Peanut Butter',6),(117,'Honey 500g',10),
    (118,'Protein Bars 12-Pack',22),(119,'Sea Salt Flakes',6),(120,'Dried Mango',5)
),
priced AS (
    SELECT id::bigint AS id, name, (id - 1) / 15 AS cat_idx,
           (list_dollars + id % 3) * 100 - 1 AS price_cents,
           (id::bigint * 7919 + 13)          AS h
    FROM catalog
)
INSERT INTO public.products (id, sku, name, category, cost, price, active)
SELECT p.id,
       c.code || '-' || lpad(p.id::text, 4, '0'),
       p.name,
       c.name,
       (p.price_cents * (40 + p.h % 30) / 100) / 100.0,
       p.price_cents / 100.0,
       (p.h % 17 <> 0)                         -- active
FROM priced p
JOIN categories c ON c.idx = p.cat_idx
ORDER BY p.id;

-- ---------------------------------------------------------------------------
-- employees: 60 rows forming a real hierarchy.
--    1        CEO                        (manager NULL)
--    2..5     VPs: Sales, Engineering, Finance, Operations      -> 1
--    6..9     Regional Sales Managers north/south/east/west     -> 2
--   10..41    Sales Representatives, 8 per region               -> 6 + (i-10)/8
--   42..43    Engineering Managers                              -> 3
--   44..51    Software Engineers                                -> 42 + (i-44) % 2
--   52        Finance Manager -> 4;  53..55 Accountants         -> 52
--   56        Operations Manager -> 5;  57..60 Logistics Coordinators -> 56
-- Names: first = (i * 13 + 5) % 40, last = (i * 7 + (i - 1) / 40 * 3 + 2) % 40
-- (pairs are unique, so the e-mails are unique).  Non-sales staff sit at the
-- east (New York) head office.  Salary = base + step * (hash % steps), by title.
-- hired_at = 2012-01-01 + a title-dependent offset (leaders hired earlier).
-- ---------------------------------------------------------------------------
WITH seq(i) AS (
    SELECT generate_series(1::bigint, 60)
),
roles AS (
    SELECT i,
           (i * 7919 + 13) % 10007 AS h,
           CASE WHEN i = 1  THEN 'Chief Executive Officer'
                WHEN i = 2  THEN 'VP of Sales'
                WHEN i = 3  THEN 'VP of Engineering'
                WHEN i = 4  THEN 'VP of Finance'
                WHEN i = 5  THEN 'VP of Operations'
                WHEN i <= 9 THEN 'Regional Sales Manager'
                WHEN i <= 41 THEN 'Sales Representative'
                WHEN i <= 43 THEN 'Engineering Manager'
                WHEN i <= 51 THEN 'Software Engineer'
                WHEN i = 52 THEN 'Finance Manager'
                WHEN i <= 55 THEN 'Accountant'
                WHEN i = 56 THEN 'Operations Manager'
                ELSE 'Logistics Coordinator' END AS title,
           CASE WHEN i = 1 THEN 'Executive'
                WHEN i = 2 OR i BETWEEN 6 AND 41 THEN 'Sales'
                WHEN i = 3 OR i BETWEEN 42 AND 51 THEN 'Engineering'
                WHEN i = 4 OR i BETWEEN 52 AND 55 THEN 'Finance'
                ELSE 'Operations' END AS department,
           CASE WHEN i = 1  THEN NULL
                WHEN i <= 5 THEN 1
                WHEN i <= 9 THEN 2
                WHEN i <= 41 THEN 6 + (i - 10) / 8
                WHEN i <= 43 THEN 3
                WHEN i <= 51 THEN 42 + (i - 44) % 2
                WHEN i = 52 THEN 4
                WHEN i <= 55 THEN 52
                WHEN i = 56 THEN 5
                ELSE 56 END AS manager_id,
           CASE WHEN i BETWEEN 6 AND 9   THEN i - 6
                WHEN i BETWEEN 10 AND 41 THEN (i - 10) / 8
                ELSE 2 END AS rg,                                   -- 2 = east (HQ)
           -- salary: base + step * (h % steps), whole dollars
           CASE WHEN i = 1  THEN 285000
                WHEN i <= 5 THEN 190000 + 2500 * ((i * 7919 + 13) % 10007 % 9)
                WHEN i <= 9 THEN 125000 + 1500 * ((i * 7919 + 13) % 10007 % 11)
                WHEN i <= 41 THEN 58000 + 1000 * ((i * 7919 + 13) % 10007 % 25)
                WHEN i <= 43 THEN 150000 + 2000 * ((i * 7919 + 13) % 10007 % 9)
                WHEN i <= 51 THEN 105000 + 1500 * ((i * 7919 + 13) % 10007 % 21)
                WHEN i = 52 THEN 118000
                WHEN i <= 55 THEN 72000 + 1000 * ((i * 7919 + 13) % 10007 % 13)
                WHEN i = 56 THEN 98000
                ELSE 52000 + 500 * ((i * 7919 + 13) % 10007 % 17) END AS salary,
           -- hire date offset in days from 2012-01-01
           CASE WHEN i = 1  THEN 0
                WHEN i <= 5 THEN 200 + (i * 7919 + 13) % 10007 % 800
                WHEN i <= 9 OR i IN (42, 43, 52, 56)
                            THEN 800 + (i * 7919 + 13) % 10007 % 1200
                ELSE 1500 + (i * 7919 + 13) % 10007 % 2600 END AS hire_day
    FROM seq
)
INSERT INTO public.employees (id, name, email, title, department, manager_id, salary, hired_at, region)
SELECT r.i,
       f.name || ' ' || l.name,
       lower(f.name) || '.' || lower(l.name) || '@northwind.example.com',
       r.title,
       r.department,
       r.manager_id,
       r.salary,
       DATE '2012-01-01' + r.hire_day::int,
       rg.region
FROM roles r
JOIN pg_temp.demo_first_names f ON f.idx = (r.i * 13 + 5) % 40
JOIN pg_temp.demo_last_names  l ON l.idx = (r.i * 7 + (r.i - 1) / 40 * 3 + 2) % 40
JOIN pg_temp.demo_cities     rg ON rg.region_idx = r.rg AND rg.city_idx = 0
ORDER BY r.i;

-- ---------------------------------------------------------------------------
-- orders: 4000 rows, ids in chronological order (by day).
--   day offset from 2024-01-01: 1600 orders in 2024 (366 days), 2400 in 2025
--     (365 days) -> 50 % year-over-year growth; last day is 2025-12-31.
--   time of day = 08:00:00 + (o * 7919 + 13) % 43200 seconds (until 19:59:59)
--   customer = 1 + min(a, b) with the quadratic hashes
--       a = (o*o*31 + o*7919 + 13) % 10007 % 500,  b = (o*o*17 + o*104729 + 7) % 10009 % 500
--     (min of two hashes -> older customers, low ids, order more often; a few
--      of the newest customers never order)
--   region = the customer's region; employee = the customer's account rep
--     10 + region * 8 + customer % 8, or a colleague from the same region
--     (10 + region * 8 + (customer + o) % 8) when (o * 31 + 7) % 10 = 0
--   status from hs = (o * 31337 + 7) % 100 and the order's age:
--     last 5 days (day >= 726): hs < 3 cancelled, < 60 pending, else shipped
--     days 716..725:            hs < 3 cancelled, < 50 shipped, else delivered
--     older:                    hs < 4 cancelled, < 9 returned, else delivered
-- ---------------------------------------------------------------------------
WITH seq(o) AS (
    SELECT generate_series(1::bigint, 4000)
),
g AS (
    SELECT o,
           CASE WHEN o <= 1600 THEN (o - 1) * 366 / 1600
                ELSE 366 + (o - 1601) * 365 / 2400 END          AS day,
           28800 + (o * 7919 + 13) % 43200                       AS secs,
           1 + CASE WHEN (o * o * 31 + o * 7919 + 13) % 10007 % 500
                         < (o * o * 17 + o * 104729 + 7) % 10009 % 500
                    THEN (o * o * 31 + o * 7919 + 13) % 10007 % 500
                    ELSE (o * o * 17 + o * 104729 + 7) % 10009 % 500 END AS customer_id,
           (o * 31337 + 7) % 100                                 AS hs
    FROM seq
)
INSERT INTO public.orders (id, customer_id, employee_id, ordered_at, status, region)
SELECT g.o,
       g.customer_id,
       10 + rg.region_idx * 8
          + CASE WHEN (g.o * 31 + 7) % 10 = 0 THEN (g.customer_id + g.o) % 8
                 ELSE g.customer_id % 8 END,
       TIMESTAMP '2024-01-01 00:00:00' + make_interval(days => g.day::int, secs => g.secs),
       CASE WHEN g.day >= 726 THEN CASE WHEN g.hs < 3 THEN 'cancelled'
                                        WHEN g.hs < 60 THEN 'pending'
                                        ELSE 'shipped' END
            WHEN g.day >= 716 THEN CASE WHEN g.hs < 3 THEN 'cancelled'
                                        WHEN g.hs < 50 THEN 'shipped'
                                        ELSE 'delivered' END
            ELSE CASE WHEN g.hs < 4 THEN 'cancelled'
                      WHEN g.hs < 9 THEN 'returned'
                      ELSE 'delivered' END
       END,
       c.region
FROM g
JOIN public.customers c ON c.id = g.customer_id
JOIN pg_temp.demo_cities rg ON rg.region = c.region AND rg.city_idx = 0
ORDER BY g.o;

-- ---------------------------------------------------------------------------
-- order_lines: 1 + (o * 7907 + 3) % 5 lines per order (1..5, exactly 12000 in all).
--   product  = 1 + ((o * 104729 + 17) % 1009 % 120 + line * 7) % 120
--              (the +7 step keeps the products of one order distinct)
--   quantity from hq = (o * 48271 + line * 16807) % 100:
--              <45 -> 1, <70 -> 2, <85 -> 3, <95 -> 5, else 10
--   discount from hd = (o * 37 + line * 11) % 20: <13 -> 0, <18 -> 0.05, else 0.10
--   unit_price = the product's list price
-- ---------------------------------------------------------------------------
WITH seq(o) AS (
    SELECT generate_series(1::bigint, 4000)
),
line_numbers(line_no) AS (
    VALUES (1), (2), (3), (4), (5)
),
g AS (
    SELECT s.o, n.line_no::bigint AS line_no,
           1 + ((s.o * 104729 + 17) % 1009 % 120 + n.line_no * 7) % 120 AS product_id,
           (s.o * 48271 + n.line_no * 16807) % 100                      AS hq,
           (s.o * 37 + n.line_no * 11) % 20                             AS hd
    FROM seq s
    JOIN line_numbers n ON n.line_no <= 1 + (s.o * 7907 + 3) % 5
)
INSERT INTO public.order_lines (order_id, line_no, product_id, quantity, unit_price, discount)
SELECT g.o,
       g.line_no,
       g.product_id,
       CASE WHEN g.hq < 45 THEN 1
            WHEN g.hq < 70 THEN 2
            WHEN g.hq < 85 THEN 3
            WHEN g.hq < 95 THEN 5
            ELSE 10 END,
       p.price,
       CASE WHEN g.hd < 13 THEN 0
            WHEN g.hd < 18 THEN 0.05
            ELSE 0.10 END
FROM g
JOIN public.products p ON p.id = g.product_id
ORDER BY g.o, g.line_no;

DROP TABLE pg_temp.demo_first_names;
DROP TABLE pg_temp.demo_last_names;
DROP TABLE pg_temp.demo_cities;

-- ---------------------------------------------------------------------------
-- The ids above were inserted explicitly; move the identity sequences past
-- them so that later INSERTs without an id do not collide.
-- ---------------------------------------------------------------------------
SELECT setval(pg_get_serial_sequence('public.customers', 'id'), (SELECT max(id) FROM public.customers));
SELECT setval(pg_get_serial_sequence('public.products',  'id'), (SELECT max(id) FROM public.products));
SELECT setval(pg_get_serial_sequence('public.employees', 'id'), (SELECT max(id) FROM public.employees));
SELECT setval(pg_get_serial_sequence('public.orders',    'id'), (SELECT max(id) FROM public.orders));

-- sqlwarden demo database: "Northwind-ish" company -- SQLite DDL.
--
-- Contract: demo/SCHEMA.md.  The PostgreSQL twin is demo/postgres/schema.sql and
-- both files must describe the same tables, columns and constraints.
--
-- Conventions (SQLite has no native date/boolean/decimal types):
--   * money columns (cost, price, unit_price, salary, discount) are NUMERIC;
--   * dates are TEXT 'YYYY-MM-DD', timestamps are TEXT 'YYYY-MM-DD HH:MM:SS';
--   * booleans (products.active) are INTEGER 0/1.
--
-- Load into an EMPTY database: there are no DROP statements on purpose, so
-- pointing this at the wrong database fails instead of destroying data.
-- The inline "--" comments are kept by SQLite in sqlite_master.sql, so they act
-- as the column documentation (PostgreSQL uses COMMENT ON instead).

-- Foreign keys are enforced per connection in SQLite; this only affects the
-- connection that runs the script (a no-op if run inside a transaction).
PRAGMA foreign_keys = ON;

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,                 -- customer number
    name        TEXT    NOT NULL,                    -- full name
    email       TEXT    NOT NULL UNIQUE,             -- Personal data: e-mail address
    phone       TEXT    NOT NULL,                    -- Personal data: phone number
    national_id TEXT    NOT NULL UNIQUE,             -- Personal data: national identity number
    birth_date  TEXT    NOT NULL,                    -- Personal data: date of birth, 'YYYY-MM-DD'
    region      TEXT    NOT NULL CHECK (region IN ('north', 'south', 'east', 'west')),
    city        TEXT    NOT NULL,
    segment     TEXT    NOT NULL DEFAULT 'consumer'
                        CHECK (segment IN ('consumer', 'smb', 'enterprise')),
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP  -- 'YYYY-MM-DD HH:MM:SS'
);

CREATE TABLE products (
    id       INTEGER PRIMARY KEY,
    sku      TEXT    NOT NULL UNIQUE,                -- stock keeping unit, e.g. 'ELE-0001'
    name     TEXT    NOT NULL,
    category TEXT    NOT NULL,
    cost     NUMERIC NOT NULL CHECK (cost >= 0),     -- Confidential: unit purchase cost (reveals margin)
    price    NUMERIC NOT NULL CHECK (price >= 0),    -- public list price
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))  -- 0 = discontinued
);

CREATE TABLE employees (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL UNIQUE,              -- work e-mail address
    title      TEXT    NOT NULL,
    department TEXT    NOT NULL,
    manager_id INTEGER REFERENCES employees (id),    -- NULL only for the CEO
    salary     NUMERIC NOT NULL CHECK (salary > 0),  -- Confidential: annual salary
    hired_at   TEXT    NOT NULL,                     -- 'YYYY-MM-DD'
    region     TEXT    NOT NULL CHECK (region IN ('north', 'south', 'east', 'west'))
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    employee_id INTEGER NOT NULL REFERENCES employees (id),  -- sales representative
    ordered_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,   -- 'YYYY-MM-DD HH:MM:SS'
    status      TEXT    NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'shipped', 'delivered', 'cancelled', 'returned')),
    region      TEXT    NOT NULL CHECK (region IN ('north', 'south', 'east', 'west'))  -- = customer's region
);

CREATE TABLE order_lines (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    line_no    INTEGER NOT NULL CHECK (line_no > 0),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_price NUMERIC NOT NULL CHECK (unit_price >= 0),      -- price at the time of the order
    discount   NUMERIC NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount < 1),  -- fraction, 0.05 = 5 %
    PRIMARY KEY (order_id, line_no)
);

CREATE INDEX idx_customers_region      ON customers (region);
CREATE INDEX idx_employees_manager_id  ON employees (manager_id);
CREATE INDEX idx_orders_customer_id    ON orders (customer_id);
CREATE INDEX idx_orders_ordered_at     ON orders (ordered_at);
CREATE INDEX idx_order_lines_product_id ON order_lines (product_id);

-- Realised sales per calendar month and region.  Cancelled and returned orders
-- are excluded.  Revenue = sum(quantity * unit_price * (1 - discount)) rounded
-- to cents.  It is computed in integer units of 1/10000 (cents x percent) and
-- rounded half-up with integer arithmetic, so the result is exact and equal to
-- PostgreSQL's round(numeric, 2) -- no floating point rounding drift.
CREATE VIEW monthly_sales (month, region, orders, revenue) AS
SELECT substr(o.ordered_at, 1, 7)  AS month,      -- 'YYYY-MM'
       o.region                    AS region,
       COUNT(DISTINCT o.id)        AS orders,
       ((SUM(l.quantity
             * CAST(round(l.unit_price * 100) AS INTEGER)
             * (100 - CAST(round(l.discount * 100) AS INTEGER))) + 50) / 100) / 100.0
                                   AS revenue
FROM orders o
JOIN order_lines l ON l.order_id = o.id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY substr(o.ordered_at, 1, 7), o.region;

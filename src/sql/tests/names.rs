//! Names: qualified references (PostgreSQL's functional notation), hidden and missing
//! columns answered alike, output names.

use super::*;

/// PostgreSQL reads `x.f` as the call `f(x)` when `x` has no column `f`: a qualified name is
/// allowed only where governance knows the column exists, and field selection never.
#[test]
fn postgres_qualified_names_are_columns_never_function_calls() {
    let pg = Dialect::Postgres;
    for sql in [
        "SELECT (1.5::float8).pg_sleep",
        "SELECT ('server_version'::text).current_setting",
        "SELECT (o).ts_stat FROM orders o",
        "SELECT o.status[1].ts_stat FROM orders o",
        "SELECT d.ts_stat FROM (SELECT * FROM unnest(ARRAY['a'], ARRAY['b'])) d",
    ] {
        assert_denied(pg, sql, Rule::UnsupportedSyntax);
    }
    for sql in [
        "SELECT q.ts_stat::text FROM unnest(ARRAY['select 1']) q",
        "SELECT o.status.ts_stat FROM orders o",
        "SELECT status.ts_stat FROM orders",
        "SELECT d.ts_stat FROM (SELECT 'select 1' AS a) d",
        "WITH c AS (SELECT 'select 1' AS a) SELECT c.ts_stat FROM c",
        "SELECT g.pg_terminate_backend FROM generate_series(1, 2) g",
        "SELECT x.to_regclass FROM (VALUES ('pg_authid')) x",
        // json[b]_array_elements name their column `value` whatever the alias.
        "SELECT CAST(ts_stat.ts_stat AS text) FROM json_array_elements_text('[\"select 1\"]') AS ts_stat",
        "SELECT current_setting.current_setting FROM jsonb_array_elements_text('[\"x\"]') AS current_setting",
        "SELECT a.b.c.d FROM orders a",
        // The database resolves a qualifier past FROM items it cannot see from there: a
        // non-LATERAL derived table's siblings, the inside of an aliased join, the items
        // outside a join's ON. Each reached a one-value table function `q` outside, as `f(q)`.
        "SELECT s.w FROM unnest(ARRAY['select 1']) AS q, LATERAL (SELECT x.w FROM (SELECT 1 AS ts_stat) AS q, \
         (SELECT CAST(q.ts_stat AS text) AS w) AS x) AS s",
        "SELECT s.w FROM unnest(ARRAY['select 1']) AS q, LATERAL (SELECT CAST(q.ts_stat AS text) AS w \
         FROM ((SELECT 1 AS ts_stat) AS q CROSS JOIN (SELECT 2 AS z) AS z) AS j) AS s",
        "SELECT count(*) FROM generate_series(2, 2) AS q, LATERAL (SELECT 1 AS one FROM (SELECT 1 AS pg_sleep) AS q, \
         (SELECT 1 AS a) AS a JOIN (SELECT 1 AS b) AS b ON q.pg_sleep IS NULL) AS s",
        "SELECT (SELECT count(*) FROM (SELECT 1 AS pg_sleep) AS q, (SELECT q.pg_sleep AS w) AS x) AS n \
         FROM generate_series(1, 1) AS q",
        // Columns governance cannot name (unnest over a tsvector has lexeme, positions,
        // weights; USING merges a column) are no columns to it.
        "SELECT pg_column_size.pg_column_size FROM unnest('a:1 b:2'::tsvector) AS pg_column_size",
        "SELECT j.pg_column_size FROM ((SELECT 1 AS pg_column_size, 2 AS v) AS a \
         JOIN (SELECT 1 AS pg_column_size) AS b USING (pg_column_size)) AS j(p, q)",
        "SELECT d.pg_column_size FROM (SELECT * FROM (SELECT 1 AS pg_column_size, 2 AS v) AS a \
         JOIN (SELECT 1 AS pg_column_size) AS b USING (pg_column_size)) AS d(p, q)",
        // Output names as PostgreSQL figures them, not a name it does not give.
        "SELECT q.btrim FROM (SELECT trim(leading 'x' from 'xa')) q",
        "SELECT q.int4 FROM (SELECT (1::int)::text) q",
        // Inside an aliased join only the alias is visible.
        "SELECT o.status FROM (orders o JOIN customers c ON c.id = o.customer_id) AS j",
    ] {
        assert_denied(pg, sql, Rule::UnknownColumn);
    }
    // A table's column that does not exist is answered as a hidden one, and so is a system
    // column of a filtered table (its derived table has none).
    assert_denied(pg, "SELECT o.record_send FROM orders o", Rule::ColumnHidden);
    assert_role_denied(
        "analyst",
        pg,
        "SELECT o.ctid FROM orders o",
        Rule::ColumnHidden,
    );
    for role in ["analyst", "support"] {
        assert_role_denied(
            role,
            pg,
            "SELECT c.lo_create FROM customers c",
            Rule::ColumnHidden,
        );
        assert_role_denied(
            role,
            pg,
            "SELECT (c.id).pg_terminate_backend FROM customers c",
            Rule::UnsupportedSyntax,
        );
    }
    for sql in [
        "SELECT g.g FROM generate_series(1, 3) g",
        "SELECT d.day FROM generate_series(DATE '2025-01-01', DATE '2025-02-01', INTERVAL '1 day') AS d(day)",
        "SELECT e.key, e.value FROM jsonb_each('{\"a\": 1}'::jsonb) e",
        "SELECT e.value FROM jsonb_array_elements('[1, 2]'::jsonb) AS e",
        // A record's columns are its column definition list's.
        "SELECT r.a, r.b FROM jsonb_to_record('{\"a\": 1, \"b\": \"x\"}') AS r(a int, b text)",
        "SELECT o.id, r.s FROM orders o, LATERAL json_to_recordset(json_build_array(json_build_object('s', o.status))) r(s varchar(20))",
        "SELECT e.value::text, e.ordinality FROM jsonb_array_elements('[5, 6]'::jsonb) WITH ORDINALITY e",
        "SELECT count(*) FROM orders o WHERE o.status IN (SELECT value FROM json_array_elements_text('[\"pending\"]'))",
        "SELECT x.value FROM (SELECT * FROM json_array_elements_text('[1]')) x",
        // An alias a table function has in a subquery does not shadow the outer item.
        "SELECT g.id, (SELECT sum(g.g) FROM generate_series(1, 3) g) AS s FROM orders g WHERE g.id < 3 ORDER BY g.id",
        "SELECT o.id, o.status FROM orders o WHERE o.id IN (SELECT o.n FROM generate_series(1, 5) AS o(n)) ORDER BY o.id",
        "SELECT c.id, x.n FROM customers c CROSS JOIN LATERAL \
         (SELECT count(*) AS n FROM unnest(ARRAY[c.region, c.city]) c) x ORDER BY c.id LIMIT 3",
        // System columns of a table read as it is.
        "SELECT o.ctid IS NOT NULL, o.xmin IS NOT NULL FROM orders o",
        "SELECT count(ctid) FROM orders",
        "SELECT u.x, u.n FROM unnest(ARRAY[1, 2]) WITH ORDINALITY AS u(x, n)",
        // unnest of an array by its syntax has one column, named for the alias.
        "SELECT u.u FROM unnest(ARRAY[3, 1, 2]) u ORDER BY u.u",
        "SELECT u.u, u.ordinality FROM unnest(ARRAY['x', 'y']) WITH ORDINALITY u",
        "SELECT t.t FROM unnest(string_to_array('a,b', ',')) t",
        "WITH m AS (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) \
         SELECT c.name, m.n, m.customer_id FROM customers c JOIN m ON m.customer_id = c.id",
        "SELECT x.count, x.max FROM (SELECT count(*), max(id) FROM orders) x",
        "SELECT x.id, x.ordered_at, x.\"case\" FROM (SELECT id::text, ordered_at::date, CASE WHEN id > 1 THEN 1 END FROM orders) x",
        "SELECT x.status, x.region FROM (SELECT * FROM orders) x",
        "SELECT q.ltrim, q.text, q.name, q.status FROM (SELECT trim(leading 'x' from 'xa'), (1::int)::text, \
         (name COLLATE \"C\")::text, CASE WHEN true THEN 1 ELSE status END FROM customers, orders) q",
        "SELECT x.name FROM (SELECT o.*, c.name FROM orders o JOIN customers c ON c.id = o.customer_id) x",
        "SELECT s.a FROM (SELECT 1 AS a UNION SELECT 2) s",
        "SELECT v.column1, v.column2 FROM (VALUES (1, 'a')) v",
        "SELECT t.a, t.b FROM (SELECT 1, 2) AS t(a, b)",
        "SELECT o.x FROM orders AS o(x)",
        "WITH RECURSIVE chain AS (SELECT id, manager_id, 0 AS depth FROM employees WHERE manager_id IS NULL \
         UNION ALL SELECT e.id, e.manager_id, c.depth + 1 FROM employees e JOIN chain c ON e.manager_id = c.id) \
         SELECT c.depth, count(*) FROM chain c GROUP BY c.depth",
        "SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)",
        "SELECT a.id, x.n FROM orders a JOIN LATERAL (SELECT count(*) AS n FROM order_lines l WHERE l.order_id = a.id) x ON true",
        "SELECT j.status, j.segment FROM (orders o JOIN customers c ON c.id = o.customer_id) AS j",
        "SELECT o.id FROM orders o, customers c JOIN products p ON p.id = c.id WHERE o.customer_id = c.id",
        "SELECT t.n FROM (SELECT count(*) AS n FROM orders) t \
         WHERE t.n > (SELECT avg(t.n) FROM (SELECT count(*) AS n FROM orders GROUP BY status) t)",
    ] {
        assert_allowed(pg, sql);
    }
    // `schema.table.column` reaches the table, also where the table is a filtered derived one.
    for role in ["analyst", "readonly_admin"] {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let schema = if dialect == Dialect::Postgres {
                "public"
            } else {
                "main"
            };
            let sql = format!(
                "SELECT {schema}.orders.status, count(*) FROM {schema}.orders GROUP BY {schema}.orders.status"
            );
            let governed = run_as(role, dialect, &sql).unwrap_or_else(|e| panic!("{role}: {e:?}"));
            assert!(
                governed.sql().starts_with("SELECT \"orders\".status"),
                "{role}: {}",
                governed.sql()
            );
        }
    }
}

/// A hidden column's name cannot be told from a name that is no column: both get the same
/// denial, qualified or not, alone or beside other FROM items, on both dialects.
#[test]
fn hidden_and_missing_columns_are_answered_alike() {
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        for (hidden, missing) in [
            (
                "SELECT national_id FROM customers",
                "SELECT passport_no FROM customers",
            ),
            (
                "SELECT c.national_id FROM customers c",
                "SELECT c.passport_no FROM customers c",
            ),
            (
                "SELECT national_id FROM customers c JOIN orders o ON o.customer_id = c.id",
                "SELECT passport_no FROM customers c JOIN orders o ON o.customer_id = c.id",
            ),
            (
                "SELECT id FROM customers WHERE national_id = 'x'",
                "SELECT id FROM customers WHERE passport_no = 'x'",
            ),
            (
                "WITH t AS (SELECT 1 AS a) SELECT national_id FROM customers, t",
                "WITH t AS (SELECT 1 AS a) SELECT passport_no FROM customers, t",
            ),
            (
                "SELECT (SELECT national_id FROM orders LIMIT 1) AS x FROM customers",
                "SELECT (SELECT passport_no FROM orders LIMIT 1) AS x FROM customers",
            ),
            (
                "SELECT count(*) AS n FROM customers JOIN (SELECT 1 AS national_id) x USING (national_id)",
                "SELECT count(*) AS n FROM customers JOIN (SELECT 1 AS passport_no) x USING (passport_no)",
            ),
        ] {
            let denial = |sql: &str| match run_as("analyst", dialect, sql) {
                Err(GovernError::Denied(d)) => (d.rule, d.message),
                other => panic!("{dialect:?} {sql}: expected a denial, got {other:?}"),
            };
            let (rule_h, message_h) = denial(hidden);
            let (rule_m, message_m) = denial(missing);
            assert_eq!(rule_h, Rule::ColumnHidden, "{message_h}");
            assert_eq!(rule_m, Rule::ColumnHidden, "{message_m}");
            assert_eq!(
                message_h.replace("national_id", "X"),
                message_m.replace("passport_no", "X"),
                "{dialect:?}"
            );
        }
    }
    // Both left to the database alike: a FROM item named like the column (a whole-row
    // reference), a FROM item whose columns cannot be known, an outer item with the name (the
    // hidden column is in no derived table: the database resolves it outward), USING beside
    // an item whose columns cannot be known. (On SQLite a double-quoted missing name is a
    // string, a hidden one is refused: corpus deny 241.)
    for (dialect, template) in [
        (
            Dialect::Postgres,
            "SELECT count({}) AS n FROM customers AS {}",
        ),
        (
            Dialect::Sqlite,
            "SELECT count({}) AS n FROM customers AS {}",
        ),
        (
            Dialect::Postgres,
            "SELECT count({}) AS n FROM customers, unnest(ARRAY[1], ARRAY[2]) AS u",
        ),
        (
            Dialect::Sqlite,
            "SELECT count({}) AS n FROM customers, json_each('[1]') AS j",
        ),
        (
            Dialect::Postgres,
            "SELECT (SELECT {} FROM customers LIMIT 1) AS v FROM (SELECT 1 AS {}) AS t",
        ),
        (
            Dialect::Sqlite,
            "SELECT (SELECT {} FROM customers LIMIT 1) AS v FROM (SELECT 1 AS {}) AS t",
        ),
        (
            Dialect::Postgres,
            "SELECT 1 FROM unnest(ARRAY[1], ARRAY[2]) u, customers a JOIN customers b USING ({})",
        ),
        (
            Dialect::Sqlite,
            "SELECT 1 FROM json_each('[1]') j, customers a JOIN customers b USING ({})",
        ),
    ] {
        for name in ["national_id", "passport_no"] {
            let sql = template.replace("{}", name);
            if let Err(e) = run_as("analyst", dialect, &sql) {
                panic!("{dialect:?} {sql}: {e:?}");
            }
        }
    }
    // What a database reads without a declared column stays the database's: whole-row
    // references, SQLite's rowid and its double-quoted strings, output names in ORDER BY.
    for (dialect, sql) in [
        (Dialect::Postgres, "SELECT row_to_json(c) FROM customers c"),
        (
            Dialect::Postgres,
            "SELECT count(*) FROM orders ORDER BY count",
        ),
        (
            Dialect::Postgres,
            "SELECT status AS s FROM orders UNION SELECT region FROM orders ORDER BY s",
        ),
        (
            Dialect::Postgres,
            "SELECT DISTINCT ON (cid) customer_id AS cid, id FROM orders ORDER BY cid, id",
        ),
        (Dialect::Sqlite, "SELECT rowid, id FROM orders"),
        (
            Dialect::Sqlite,
            "SELECT status, count(*) AS n FROM orders WHERE n > 0 GROUP BY status HAVING n > 5",
        ),
        (
            Dialect::Sqlite,
            "SELECT id FROM orders WHERE status = \"shipped\"",
        ),
    ] {
        if let Err(e) = run_as("analyst", dialect, sql) {
            panic!("{dialect:?} {sql}: {e:?}");
        }
    }
}

/// Nameless FROM items are kept under the empty name: no caller name may be empty.
#[test]
fn empty_quoted_names_are_refused() {
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        assert_denied(
            dialect,
            "SELECT \"\".id FROM (SELECT id FROM orders)",
            Rule::UnsupportedSyntax,
        );
        assert_denied(
            dialect,
            "SELECT id AS \"\" FROM orders",
            Rule::UnsupportedSyntax,
        );
    }
}

/// A bare reserved word sqlparser reads as a column or output name (`AS from`, `x.case`) is
/// quoted as the name governance read, in lower case on PostgreSQL (as it folds the bare
/// word) and in backquotes on SQLite (never a string); one it reads as a table is refused.
#[test]
fn reserved_words_as_column_names_are_quoted_and_as_tables_refused() {
    let pg = assert_allowed(
        Dialect::Postgres,
        "SELECT min(ordered_at) AS FROM, max(ordered_at) AS to, count(*) AS end FROM orders",
    );
    assert!(
        pg.contains(r#"AS "from", max(ordered_at) AS "to", count(*) AS "end""#),
        "{pg}"
    );
    let pg = assert_allowed(
        Dialect::Postgres,
        "WITH x AS (SELECT CASE WHEN status = 'shipped' THEN 1 END, ARRAY[1] FROM orders) SELECT x.case, x.array FROM x",
    );
    assert!(pg.contains(r#"SELECT x."case", x."array" FROM x"#), "{pg}");
    let lite = assert_allowed(
        Dialect::Sqlite,
        "SELECT max(ordered_at) AS End, min(id) AS desc FROM orders ORDER BY end",
    );
    assert!(
        lite.contains("AS `End`, min(id) AS `desc`") && lite.contains("ORDER BY `end`"),
        "{lite}"
    );
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        assert_denied(
            dialect,
            "SELECT region FROM ONLY orders",
            Rule::UnsupportedSyntax,
        );
        assert_denied(
            dialect,
            "SELECT 1 FROM orders AS from",
            Rule::UnsupportedSyntax,
        );
    }
}

/// ORDER BY a bare name that is also an output name sorts by the output column (PostgreSQL):
/// `id::text` is the output `id`, sorted as text, so the sort may not move into the fence,
/// where it would sort the integer column.
#[test]
fn order_by_an_output_name_stays_outside_the_fence() {
    let count = |sql: &str| {
        run_as("analyst", Dialect::Postgres, sql)
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
            .sql()
            .matches("ORDER BY")
            .count()
    };
    assert_eq!(count("SELECT id FROM customers ORDER BY id LIMIT 5"), 2);
    assert_eq!(
        count("SELECT id::text FROM customers ORDER BY id LIMIT 5"),
        1
    );
    assert_eq!(
        count("SELECT name, id + 1 AS id FROM customers ORDER BY id LIMIT 5"),
        1
    );
}

/// SQLite's rowid of a filtered table (a derived table, which has none) is its INTEGER
/// PRIMARY KEY, which is that rowid; a table without one has none to give.
#[test]
fn sqlite_rowid_of_a_filtered_table_is_its_integer_key() {
    let q = run_as(
        "analyst",
        LITE,
        "SELECT rowid, o.oid FROM orders o WHERE _rowid_ < 50 ORDER BY ROWID",
    )
    .expect("allowed");
    assert!(
        q.sql().starts_with("SELECT \"id\", o.\"id\" FROM"),
        "{}",
        q.sql()
    );
    assert!(q.sql().contains("\"id\" < 50"), "{}", q.sql());
    assert!(!q.sql().to_lowercase().contains("rowid"), "{}", q.sql());
    // A filtered table without an INTEGER PRIMARY KEY has no column to stand for its rowid:
    // refused with the reason (SQLite answered NULL for every row of the derived table), as is
    // PostgreSQL's ctid of a filtered table (an error that gave no reason).
    for (dialect, sql, name) in [
        (LITE, "SELECT max(rowid) FROM order_lines", "rowid"),
        (
            LITE,
            "SELECT order_id FROM order_lines ORDER BY _rowid_",
            "_rowid_",
        ),
        (PG, "SELECT ctid, id FROM orders", "ctid"),
        (LITE, "SELECT l.rowid FROM order_lines l", "rowid"),
        (PG, "SELECT o.xmin FROM orders o", "xmin"),
    ] {
        let Err(GovernError::Denied(d)) = run_as("analyst", dialect, sql) else {
            panic!("{sql}: expected a denial");
        };
        assert_eq!(d.rule, Rule::ColumnHidden, "{sql}");
        assert!(
            d.message.contains(&format!("{name} is not available on ")),
            "{sql}: {}",
            d.message
        );
    }
    // A column-limited table's rowid is its INTEGER PRIMARY KEY too.
    let q = run_as("analyst", LITE, "SELECT max(rowid) FROM products").expect("allowed");
    assert!(q.sql().starts_with("SELECT max(\"id\")"), "{}", q.sql());
    // An output column named rowid is what ORDER BY rowid names.
    let q = run_as(
        "analyst",
        LITE,
        "SELECT status AS rowid, id FROM orders ORDER BY rowid",
    )
    .expect("allowed");
    assert!(q.sql().ends_with("ORDER BY rowid LIMIT 101"), "{}", q.sql());
    let q = run(LITE, "SELECT rowid FROM orders").expect("allowed");
    assert!(q.sql().contains("SELECT rowid FROM"), "{}", q.sql());
}

/// A column definition list converts the caller's JSON to each of its types as a cast would,
/// so its types are the ones a cast may name.
#[test]
fn column_definition_lists_name_only_castable_types() {
    let pg = Dialect::Postgres;
    for (sql, rule) in [
        (
            "SELECT * FROM jsonb_to_record('{\"t\": \"employees\"}') AS r(t regclass)",
            Rule::UnsupportedSyntax,
        ),
        (
            "SELECT * FROM jsonb_to_recordset('[{}]') AS r(c customers)",
            Rule::UnsupportedSyntax,
        ),
        (
            "SELECT * FROM json_to_record('{\"a\": \"x\"}') AS r(a char(10485760))",
            Rule::FunctionNotAllowed,
        ),
        (
            "SELECT * FROM jsonb_to_record('{}') AS r(a regproc[])",
            Rule::UnsupportedSyntax,
        ),
    ] {
        assert_role_denied("analyst", pg, sql, rule);
    }
    assert_role_allowed(
        "analyst",
        pg,
        "SELECT * FROM jsonb_to_recordset('[{\"a\": [1]}]') AS r(a int[], b numeric(10, 2), c timestamptz)",
    );
}

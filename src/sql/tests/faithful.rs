//! What reaches the database means what governance decided: the printed statement parses back
//! to the governed tree, and text the parser and the databases read differently is refused.

use super::*;

/// The last check before a statement leaves governance: its printed text must parse back to
/// the same tree. Trees that print as another statement, built by hand as a faulty rewrite
/// would build them, are refused.
#[test]
fn a_tree_that_prints_as_another_statement_is_refused() {
    use sqlparser::ast::{Expr, SetExpr, Statement, UnaryOperator};
    fn selection(st: &mut Statement) -> Option<&mut Expr> {
        let Statement::Query(q) = st else { return None };
        let SetExpr::Select(s) = q.body.as_mut() else {
            return None;
        };
        s.selection.as_mut()
    }
    for dialect in [PG, LITE] {
        // `a = 1 AND (b = 2 OR c = 3)` without its parentheses.
        let mut st =
            parse::parse("SELECT 1 FROM t WHERE a = 1 AND b = 2", dialect, 1000).expect("parses");
        let or = parse::parse("SELECT 1 FROM t WHERE b = 2 OR c = 3", dialect, 1000)
            .ok()
            .and_then(|mut s| selection(&mut s).cloned())
            .expect("an OR");
        if let Some(Expr::BinaryOp { right, .. }) = selection(&mut st) {
            **right = or;
        }
        let printed = st.to_string();
        assert!(printed.contains("a = 1 AND b = 2 OR c = 3"), "{printed}");
        assert!(
            parse::check_printed(&printed, &st, dialect).is_err(),
            "{printed}"
        );

        // `-(-x)` without its parentheses prints as `--x`, a comment.
        let mut st = parse::parse("SELECT 1 FROM t WHERE a = -a", dialect, 1000).expect("parses");
        if let Some(Expr::BinaryOp { right, .. }) = selection(&mut st) {
            **right = Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr: Box::new((**right).clone()),
            };
        }
        let printed = st.to_string();
        assert!(printed.contains("--a"), "{printed}");
        assert!(
            parse::check_printed(&printed, &st, dialect).is_err(),
            "{printed}"
        );

        // What governance itself prints passes.
        let governed = run(
            dialect,
            "SELECT - -1, -(-id), id FROM orders WHERE id = 1 OR id = 2",
        )
        .expect("allowed");
        // (outside quoted names: a result column keeps the caller's text as its name)
        let unquoted: String = governed.sql().split('"').step_by(2).collect();
        assert!(!unquoted.contains("--"), "{}", governed.sql());
    }
}

/// SQLite's plain EXPLAIN (bytecode: column numbers and root pages of the tables as they are)
/// becomes its query plan, for every role.
#[test]
fn sqlite_explain_is_its_query_plan() {
    let governed = run(LITE, "EXPLAIN SELECT id FROM customers WHERE id = 3").expect("allowed");
    assert!(
        governed.sql().starts_with("EXPLAIN QUERY PLAN SELECT"),
        "{}",
        governed.sql()
    );
    let pg = run(PG, "EXPLAIN SELECT id FROM customers WHERE id = 3").expect("allowed");
    assert!(!pg.sql().contains("QUERY PLAN"), "{}", pg.sql());
}

/// Syntax the parser does not read gets a way around it in the error, for the model to retry.
#[test]
fn parse_errors_name_a_way_around() {
    let message = |dialect, sql| match run(dialect, sql) {
        Err(GovernError::Parse(m)) => m,
        other => panic!("{sql}: {other:?}"),
    };
    assert!(
        message(PG, "SELECT id FROM orders WHERE status IS NOT 'cancelled'")
            .contains("IS [NOT] DISTINCT FROM"),
    );
    assert!(
        message(
            PG,
            "SELECT id FROM orders WHERE id BETWEEN SYMMETRIC 9 AND 1"
        )
        .contains("least(a, b)"),
    );
    for (dialect, sql, hint) in [
        (
            LITE,
            "SELECT id FROM orders WHERE status NOT GLOB 'c*'",
            "NOT (x GLOB pattern)",
        ),
        (LITE, "SELECT id << 2 FROM orders", "x * 4 for x << 2"),
        (PG, "TABLE orders", "SELECT * FROM t"),
        (
            LITE,
            "SELECT id FROM orders INDEXED BY orders_pk WHERE id = 1",
            "leave them out",
        ),
        (LITE, "SELECT id FROM orders NOT INDEXED", "leave them out"),
        (
            PG,
            "SELECT status FROM orders GROUP BY DISTINCT ROLLUP (status)",
            "without DISTINCT",
        ),
        (
            PG,
            "SELECT * FROM ROWS FROM (generate_series(1, 2), generate_series(1, 3))",
            "WITH ORDINALITY",
        ),
        (
            PG,
            "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SEARCH DEPTH FIRST BY n SET ord SELECT * FROM t",
            "path || id",
        ),
        (
            LITE,
            "SELECT id FROM orders WHERE customer_id IN customers",
            "x IN (SELECT col FROM t)",
        ),
    ] {
        let m = message(dialect, sql);
        assert!(m.contains(hint), "{sql}: {m}");
    }
}

/// Emoji as models write them in labels pass; invisible characters elsewhere, and runs of
/// selectors, do not.
#[test]
fn emoji_sequences_are_not_invisible_characters() {
    assert_allowed(
        LITE,
        "SELECT CASE WHEN id > 3 THEN '\u{26A0}\u{FE0F} low' ELSE '\u{2714}\u{FE0F} ok \u{1F469}\u{200D}\u{1F4BB}' END FROM orders",
    );
    for sql in [
        "SELECT 'a\u{FE0F}' FROM orders",
        "SELECT '\u{26A0}\u{FE0F}\u{FE0F}' FROM orders",
        "SELECT '\u{26A0}\u{FE0F}\u{E0100}' FROM orders",
        "SELECT 'x\u{200D}\u{1F4BB}' FROM orders",
        "SELECT 1\u{200B} FROM orders",
    ] {
        assert_denied(LITE, sql, Rule::InvisibleUnicode);
    }
}

/// Text the parser and the database read differently is refused: a dollar-quote tag that
/// starts with a digit (PostgreSQL reads `$1a$` as the parameter $1), a NUL decoded from an
/// escape (it ends the statement on the wire), `N'x'` on SQLite (the column N aliased 'x').
#[test]
fn text_the_database_reads_otherwise_is_refused() {
    assert_denied(
        PG,
        "SELECT $1a$ , salary FROM employees --$1a$ FROM orders",
        Rule::UnsupportedSyntax,
    );
    assert_allowed(PG, "SELECT $tag$it's$tag$, $_1$x$_1$, $$y$$ FROM orders");
    assert_denied(PG, "SELECT U&'\\0000' AS x", Rule::UnsupportedSyntax);
    assert_denied(LITE, "SELECT N'x' FROM orders", Rule::UnsupportedSyntax);
}

/// `0x1F` is 31 to SQLite but a blob to the parser (printed `X'1F'`): refused, naming 31.
#[test]
fn hexadecimal_integers_are_refused_with_their_decimal_form() {
    for dialect in [LITE, PG] {
        match run(dialect, "SELECT 0x1F = 31 AS a") {
            Err(GovernError::Denied(d)) => {
                assert_eq!(d.rule, Rule::UnsupportedSyntax);
                assert!(d.to_string().contains("write 31"), "{d}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_allowed(
        LITE,
        "SELECT X'1F' AS b, x'41' AS c, '0x1F' AS d FROM orders",
    );
}

/// PostgreSQL applies a sign before `^`, AT TIME ZONE and COLLATE; the parser gives the sign
/// the whole operation. The governed text says what PostgreSQL computes, with parentheses, and
/// is read back as the same tree.
#[test]
fn a_sign_applies_where_postgresql_applies_it() {
    for (sql, want) in [
        ("SELECT -2 ^ 2", "SELECT (-2) ^ 2"),
        ("SELECT 8 / -2 ^ 2", "SELECT 8 / (-2) ^ 2"),
        ("SELECT - 2 ^ 3 ^ 2", "SELECT (-2) ^ 3 ^ 2"),
        ("SELECT - - 2 ^ 2", "SELECT (-(-2)) ^ 2"),
        ("SELECT +2 ^ 2", "SELECT (+2) ^ 2"),
        ("SELECT -(2 ^ 2)", "SELECT -(2 ^ 2)"),
        ("SELECT -2 ^ 2::INT", "SELECT (-2) ^ 2::INT"),
    ] {
        let governed = run(PG, sql).expect("allowed");
        assert!(
            governed.sql().starts_with(want),
            "{sql}: {}",
            governed.sql()
        );
    }
}

/// Spellings the databases read and the parser does not: postfix `ISNULL`, and SQLite's
/// `IS [NOT]` before any value. The governed text spells them as the parser does, and SQLite
/// answers the respelled comparison as it answers its own.
#[test]
fn isnull_and_sqlite_is_a_value_are_respelled() {
    for dialect in [PG, LITE] {
        let q = run(dialect, "SELECT id FROM orders WHERE status ISNULL").expect("allowed");
        assert!(q.sql().contains("status IS NULL"), "{}", q.sql());
    }
    let q = run(
        LITE,
        "SELECT id IS 3, status IS NOT 'delivered', status IS NOT NULL, id IS DISTINCT FROM 2 FROM orders",
    )
    .expect("allowed");
    assert!(
        q.sql().contains(
            "id IS NOT DISTINCT FROM 3, status IS DISTINCT FROM 'delivered', status IS NOT NULL, id IS DISTINCT FROM 2"
        ),
        "{}",
        q.sql()
    );
    // A name isnull (a column, an alias) stays a name.
    for dialect in [PG, LITE] {
        let q = run(dialect, "SELECT 1 AS isnull, id FROM orders").expect("allowed");
        assert!(q.sql().contains("1 AS isnull"), "{}", q.sql());
    }
    // PostgreSQL has no `IS <value>`: left to the parser, which refuses it.
    assert!(run(PG, "SELECT id IS 3 FROM orders").is_err());

    let db = rusqlite::Connection::open_in_memory().expect("sqlite");
    let answer = |sql: &str| -> Vec<Option<i64>> {
        db.query_row(sql, [], |r| (0..6).map(|i| r.get(i)).collect())
            .expect(sql)
    };
    let native =
        "SELECT 1 IS 1, 1 IS NULL, NULL IS NULL, 1 IS NOT 2, NULL IS NOT 1, 'a' IS NOT 'a'";
    let governed = run(LITE, native).expect("allowed");
    let spelled = governed.sql().split(" LIMIT").next().expect("text");
    assert!(spelled.contains("IS NOT DISTINCT FROM"), "{spelled}");
    assert_eq!(answer(native), answer(spelled));
}

#[test]
fn a_frame_offset_cast_to_interval_and_materialized_ctes_are_read() {
    for dialect in [PG, LITE] {
        let q = run(
            dialect,
            "WITH a AS MATERIALIZED (SELECT id FROM orders), b AS NOT MATERIALIZED (SELECT id FROM a) SELECT id AS materialized FROM b",
        )
        .expect("allowed");
        assert!(q.sql().contains("WITH a AS (SELECT"), "{}", q.sql());
        assert!(q.sql().contains("b AS (SELECT"), "{}", q.sql());
        assert!(q.sql().contains("id AS materialized"), "{}", q.sql());
        // An alias named materialized with its column list stays one.
        let q = run(
            dialect,
            "SELECT materialized.a FROM (SELECT id FROM orders) AS materialized(a)",
        );
        assert!(
            q.as_ref().is_ok_and(
                |q| q.sql().contains("materialized (a)") || q.sql().contains("materialized(a)")
            ),
            "{q:?}"
        );
    }
    let q = run(
        PG,
        "SELECT count(*) OVER (ORDER BY ordered_at RANGE BETWEEN '7 days'::interval PRECEDING AND '1 day' :: INTERVAL FOLLOWING) FROM orders",
    )
    .expect("allowed");
    assert!(
        q.sql()
            .contains("RANGE BETWEEN INTERVAL '7 days' PRECEDING AND INTERVAL '1 day' FOLLOWING"),
        "{}",
        q.sql()
    );
}

/// A text search configuration is one of PostgreSQL's own, written as a literal: one named by
/// the caller is looked up by name (its errors tell which schemas exist), and the forms
/// without one read the server's `default_text_search_config`.
#[test]
fn text_search_configurations_are_builtin_literals() {
    for sql in [
        "SELECT to_tsvector('english', name), plainto_tsquery('pg_catalog.simple', 'a') FROM customers",
        "SELECT ts_headline('english', name, to_tsquery('english', 'a'), 'MaxWords=5') FROM customers",
    ] {
        assert!(run(PG, sql).is_ok(), "{sql}");
    }
    for sql in [
        "SELECT to_tsvector(name) FROM customers",
        "SELECT to_tsvector('hr_secret.cfg', name) FROM customers",
        "SELECT to_tsvector(city, name) FROM customers",
        "SELECT websearch_to_tsquery('a or b')",
        "SELECT ts_headline(name, to_tsquery('english', 'a')) FROM customers",
    ] {
        assert_denied(PG, sql, Rule::FunctionNotAllowed);
    }
}

/// `text @@ text` and `text @@ tsquery` convert the text with the server's default text search
/// configuration (whether `'the cats were running' @@ 'run'` matches tells its language):
/// `@@` takes a tsvector, tsquery or jsonb on its left, by column type, cast or function.
#[test]
fn text_search_matches_convert_no_text_with_the_default_configuration() {
    let mut catalog = catalog(PG);
    let docs = CatalogTable {
        name: QualifiedName::new("public", "docs"),
        columns: ["id", "body", "search", "meta"].map(String::from).to_vec(),
        types: ["integer", "text", "tsvector", "jsonb"]
            .map(String::from)
            .to_vec(),
        is_view: false,
        primary_key: vec!["id".to_string()],
    };
    catalog = Catalog::new(
        PG,
        vec!["public".to_string()],
        catalog.tables().cloned().chain([docs]).collect(),
    );
    let go = |sql: &str| run_on(&catalog, PG, sql);
    for sql in [
        "SELECT id FROM docs WHERE search @@ to_tsquery('english', 'cat')",
        "SELECT id FROM docs d WHERE d.search @@ 'cat & dog'",
        "SELECT id FROM docs WHERE meta @@ '$.a == 1'",
        "SELECT id FROM docs WHERE to_tsvector('simple', body) @@ plainto_tsquery('simple', 'cat')",
        "SELECT id FROM docs WHERE body::tsvector @@ 'cat'",
        "SELECT id FROM docs WHERE to_tsquery('english', 'cat') @@ search",
        "SELECT '{\"a\": 1}'::jsonb @@ '$.a == 1'",
    ] {
        assert!(go(sql).is_ok(), "{sql}: {:?}", go(sql).err());
    }
    for sql in [
        "SELECT 'the cats were running' @@ 'run'",
        "SELECT 'the cats' @@ to_tsquery('simple', 'cat')",
        "SELECT id FROM docs WHERE body @@ 'cat'",
        "SELECT id FROM docs WHERE body @@ to_tsquery('english', 'cat')",
        "SELECT id FROM docs WHERE lower(body) @@ 'cat'",
        // a CTE's column: its type is not known here
        "WITH d AS (SELECT body FROM docs) SELECT 1 FROM d WHERE body @@ 'cat'",
        // a name that is also an output alias: not decided here, so refused
        "SELECT body AS search FROM docs ORDER BY search @@ 'cat'",
    ] {
        match go(sql) {
            Err(GovernError::Denied(d)) => {
                assert_eq!(d.rule, Rule::FunctionNotAllowed, "{sql}: {d:?}");
                assert!(d.message.contains("@@"), "{sql}: {}", d.message);
            }
            other => panic!("{sql}: {other:?}"),
        }
    }
}

/// Where the parser and PostgreSQL bind operators differently, the text is refused rather than
/// governed as one tree and run as another: regular-expression operators (`=`'s precedence to
/// the parser, any other operator's to PostgreSQL) and the prefix `~`, `@`, `|/`, `||/` (whose
/// operand PostgreSQL extends past a `+` or `-`).
#[test]
fn operators_the_parser_binds_otherwise_need_parentheses() {
    for sql in [
        "SELECT ~ 1 + 1",
        "SELECT @ -5 + 3",
        "SELECT 1 + @ 2 + 3",
        "SELECT - @ 2 + 1",
        "SELECT 2 * |/ 16 - 1",
        "SELECT 'ab' ~ 'a' || 'zz'",
        "SELECT name FROM products WHERE true = name ~* 'a'",
        "SELECT name FROM products WHERE name LIKE 'a%' ~ 'b'",
        "SELECT name FROM products WHERE name ~ 'b' LIKE 'x'",
        "SELECT name FROM products WHERE name !~~ 'b' IN ('x')",
        "SELECT name FROM products WHERE name ~ sku -> 'a'",
        // the same as ANY or ALL
        "SELECT true = 'abc' ~ ANY(ARRAY['^a'])",
        "SELECT name FROM products WHERE sku = name ~ ANY(ARRAY['^A'])",
        "SELECT 'abc' LIKE 'a%' ~ ANY(ARRAY['t'])",
        "SELECT 2 BETWEEN 1 AND 3 ~ ALL(ARRAY['x'])",
    ] {
        assert_denied(PG, sql, Rule::UnsupportedSyntax);
    }
    match run(PG, "SELECT 'ab' ~ 'a' || 'zz'") {
        Err(GovernError::Denied(d)) => {
            assert!(d.message.contains("add parentheses"), "{}", d.message)
        }
        other => panic!("{other:?}"),
    }
    // Read alike by both: allowed.
    for sql in [
        "SELECT (@ -5) + 3, @ (-5 + 3), ~ 1, 2 * @ 3, @ price * 2, @ price = 5 FROM products",
        "SELECT name FROM products WHERE name ~ '^A' AND price > 3",
        "SELECT name FROM products WHERE name || sku ~ 'x' AND name ~ ('a' || 'b')",
        "SELECT name ~* 'a' = true, name !~ 'a' IS TRUE, name ~ 'a' ~ 'b', price + 1 ~ '1' FROM products",
        "SELECT name FROM products WHERE name ~ ANY(ARRAY['^A', '^B']) AND sku !~* ALL(ARRAY['x'])",
    ] {
        assert!(run(PG, sql).is_ok(), "{sql}: {:?}", run(PG, sql).err());
    }
    // SQLite binds its prefix `~` tighter than `+`, as the parser does.
    assert!(run(LITE, "SELECT ~ 1 + 1").is_ok());
}

/// PostgreSQL's range operators the parser has no name for are allowed by their exact
/// spelling; an operator run into a comment (`-|--1`, which PostgreSQL reads as `-|` and a
/// comment) is not that spelling and is refused.
#[test]
fn range_adjacency_is_allowed_by_its_exact_spelling() {
    let q = run_as(
        "analyst",
        PG,
        "SELECT int4range(1, 2)-|-int4range(2, 3) AS a, int4range(1, 5) &< int4range(2, 8) AS b",
    )
    .expect("allowed");
    assert!(
        q.sql().contains("int4range(1, 2) -|- int4range(2, 3)"),
        "{}",
        q.sql()
    );
    for sql in [
        "SELECT int4range(1, 2) -|--1",
        "SELECT int4range(1, 2)-|--int4range(2, 3)",
        "SELECT int4range(1, 2) -|-/* x */int4range(2, 3)",
        "SELECT 1 -|+ 2",
    ] {
        assert!(run_as("analyst", PG, sql).is_err(), "{sql}");
    }
}

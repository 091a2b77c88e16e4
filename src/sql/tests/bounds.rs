//! Bounds on what one statement may cost (copies, chains, searches, parameters kept), and
//! what governance writes around the caller's text (column names, needles).

use super::*;

#[test]
fn a_kept_decision_holds_no_caller_values() {
    use serde_json::json;
    let big = "x".repeat(1 << 20);
    let q = run_as_with(
        "analyst",
        PG,
        "SELECT id FROM orders WHERE status = $1 OR status = $2",
        &[json!(big), json!("shipped")],
    )
    .expect("allowed");
    assert_eq!(q.params().len(), 3, "two of the caller's, the region");
    let kept = q.unbound();
    assert!(kept.weight() < 2_000, "{}", kept.weight());
    let again = kept
        .bind(&[json!("pending"), json!("paid")])
        .expect("as many values");
    assert_eq!(
        again.params(),
        [json!("pending"), json!("paid"), json!("north")]
    );
    assert_eq!(again.sql(), q.sql());
    assert!(kept.bind(&[json!("pending")]).is_none(), "fewer values");
}

#[test]
fn sqlite_result_columns_keep_the_callers_text_as_their_name() {
    let q = run_as(
        "analyst",
        LITE,
        "SELECT (SELECT count(*) FROM order_lines), count(*), status FROM orders GROUP BY status",
    )
    .expect("allowed");
    // The rewritten subquery is named by the caller's text, not the fence's; the rest as before.
    assert!(
        q.sql()
            .contains("AS \"(SELECT count(*) FROM order_lines)\", count(*), status FROM"),
        "{}",
        q.sql()
    );
    let q = run_as("analyst", PG, "SELECT (SELECT count(*) FROM order_lines)").expect("allowed");
    assert!(!q.sql().contains("AS \"(SELECT"), "{}", q.sql());
}

/// SQLite names an unaliased result column by its text as written; the parser prints some
/// expressions otherwise (`CEIL`, `CAST(... AS REAL)`, spacing), so those keep the caller's
/// text as their name. Checked against SQLite's own names for the caller's statement.
#[test]
fn sqlite_result_columns_are_named_as_sqlite_names_them() {
    let db = rusqlite::Connection::open_in_memory().expect("sqlite");
    db.execute_batch(
        "CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT, name TEXT, category TEXT, price NUMERIC, active INTEGER, cost NUMERIC)",
    )
    .expect("schema");
    let names = |sql: &str| -> Vec<String> {
        let st = db.prepare(sql).expect(sql);
        st.column_names().into_iter().map(str::to_string).collect()
    };
    for sql in [
        "SELECT ceil(2.1), COUNT( * ), cast(price as real), substr(name, 1, 3), id, -price, trim(  name ), x'00', 'it''s' FROM products",
        "SELECT DISTINCT floor(price) , name FROM products WHERE id > 1 ORDER BY 1",
        "SELECT max(price)\n  - min(price), count(DISTINCT category) FROM products UNION ALL SELECT 1, 2",
        "SELECT ceil(price) AS c, lower(name) n FROM products",
    ] {
        let governed = run(LITE, sql).expect("allowed");
        assert_eq!(names(sql), names(governed.sql()), "{}", governed.sql());
    }
}

#[test]
fn sqlite_search_needles_are_bounded() {
    // A literal needle is checked as written; any other is guarded at run time, once.
    let q = run_as(
        "analyst",
        LITE,
        "SELECT instr(name, 'an'), replace(city, 'x', 'y') FROM customers",
    )
    .expect("allowed");
    assert!(q.sql().contains("instr(name, 'an')"), "{}", q.sql());
    let q = run_as(
        "analyst",
        LITE,
        "SELECT instr(name, lower(city)), trim(name, segment), ltrim(name) FROM customers",
    )
    .expect("allowed");
    assert!(
        q.sql().contains(
            "instr(name, CASE WHEN length(CAST(lower(city) AS BLOB)) <= 1000 THEN lower(city) END) AS \"instr(name, lower(city))\", "
        ) && q
            .sql()
            .contains("TRIM(name, CASE WHEN length(CAST(segment AS BLOB)) <= 100 THEN segment END) AS \"trim(name, segment)\", ")
            && q.sql().contains("ltrim(name)"),
        "{}",
        q.sql()
    );
    let long = format!("SELECT instr(name, '{}') FROM customers", "a".repeat(1001));
    assert_role_denied("analyst", LITE, &long, Rule::FunctionNotAllowed);
    // PostgreSQL's searches are not quadratic; nothing changes there.
    let q = run_as(
        "analyst",
        PG,
        "SELECT replace(name, lower(city), '') FROM customers",
    )
    .expect("allowed");
    assert!(!q.sql().contains("CASE WHEN length"), "{}", q.sql());
}

#[test]
fn chains_that_evade_no_operator_count_are_refused_before_they_are_walked() {
    // Each built a tree ~1,000 deep that the walker's recursion overflowed a worker's stack
    // on, aborting the server: CASE ... END between the operators, postfix NOTNULL, GLOB, and
    // JOIN after JOIN (each ON or USING used to restart the count).
    let long = [
        format!("SELECT 1{}", " + CASE WHEN 1=1 THEN 1 END".repeat(1000)),
        format!("SELECT 1 {}", "NOTNULL ".repeat(1000)),
        format!("SELECT 'a'{}", " GLOB 'a'".repeat(1000)),
        // FROM of IS [NOT] DISTINCT FROM restarted the count as the FROM clause would
        format!(
            "SELECT 1 WHERE {} 1",
            "1 IS DISTINCT FROM 2 OR ".repeat(1000)
        ),
        format!(
            "SELECT 1 WHERE {} 1",
            "1 IS NOT DISTINCT FROM 2 OR ".repeat(1000)
        ),
        format!(
            "SELECT 1 FROM {}orders b ON true",
            "orders JOIN ".repeat(1000)
        ),
        format!(
            "SELECT 1 FROM orders a0{}",
            (1..1000)
                .map(|i| format!(" JOIN orders a{i} USING (id)"))
                .collect::<String>()
        ),
    ];
    for sql in &long {
        for dialect in [PG, LITE] {
            let e = run(dialect, sql).expect_err("refused");
            assert!(
                e.to_string().contains("chains more than"),
                "{}: {e}",
                &sql[..40]
            );
        }
    }
    // SQLite's `x IS y`, respelled IS NOT DISTINCT FROM, is counted as well.
    let e = run(
        LITE,
        &format!("SELECT 1 WHERE {} 1", "1 IS 2 OR ".repeat(1000)),
    )
    .expect_err("refused");
    assert!(e.to_string().contains("chains more than"), "{e}");
    // What analysts write stays well inside.
    let fine = format!(
        "SELECT 1{} FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_lines l ON l.order_id = o.id",
        " + CASE WHEN o.id > 1 THEN 1 ELSE 0 END".repeat(100)
    );
    assert!(run(PG, &fine).is_ok());
}

#[test]
fn sqlite_searches_of_built_text_are_counted() {
    // Each search of text the statement built is one uninterruptible step: eight pass, nine
    // do not; stored columns and literals are not counted.
    let searches = |n: usize| {
        let items: Vec<String> = (0..n)
            .map(|i| format!("s LIKE '%{}{i}%' AS c{i}", "a".repeat(20)))
            .collect();
        format!(
            "WITH t(s) AS (SELECT lower(name) FROM customers) SELECT {} FROM t",
            items.join(", ")
        )
    };
    assert!(run_as("analyst", LITE, &searches(8)).is_ok());
    assert_role_denied("analyst", LITE, &searches(9), Rule::FunctionNotAllowed);
    let stored: Vec<String> = (0..20)
        .map(|i| format!("name LIKE '%a{i}%' AS c{i}, instr(city, 'x{i}') AS i{i}"))
        .collect();
    let sql = format!("SELECT {} FROM customers", stored.join(", "));
    assert!(
        run_as("analyst", LITE, &sql).is_ok(),
        "stored columns are not counted"
    );
    let built: Vec<String> = (0..9)
        .map(|i| format!("instr(lower(name), lower(city)) AS i{i}"))
        .collect();
    let sql = format!("SELECT {} FROM customers", built.join(", "));
    assert_role_denied("analyst", LITE, &sql, Rule::FunctionNotAllowed);
    // A cleanup chain of replaces of a few characters each is a handful of scans.
    let mut cleaned = "phone".to_string();
    for c in ["-", " ", "(", ")", ".", "+", "/", "_", "#", "*", "x", "ext"] {
        cleaned = format!("replace({cleaned}, '{c}', '')");
    }
    let sql = format!("SELECT {cleaned} FROM customers");
    assert!(run_as("support", LITE, &sql).is_ok(), "{sql}");
    assert!(
        run_as("analyst", PG, &searches(20)).is_ok(),
        "PostgreSQL checks for interrupts"
    );
}

/// A run-time guard reads the value it guards twice (`CASE WHEN check(x) THEN x END`, a date
/// series' step checked against its bounds): a value that may change between the two reads
/// (`random()`, `clock_timestamp()`, a function a policy added) would be checked as one value
/// and used as another, so `now() + random() * interval '100000 days'` passed a series' check
/// about as often as it then made billions of rows. Such bounds and needles are refused;
/// computed bounds that read the same twice still run.
#[test]
fn guards_never_read_a_value_that_may_change_between_reads() {
    for sql in [
        "SELECT count(*) FROM generate_series(now(), now() + random() * interval '100000 days', '1 second')",
        "SELECT count(*) FROM generate_series(CASE WHEN random() < 0.5 THEN now() ELSE now() - interval '1000 years' END, now(), '1 second')",
        "SELECT count(*) FROM generate_series(now(), (SELECT now() + random() * interval '1000 days'), '1 second')",
        "SELECT generate_series(clock_timestamp(), clock_timestamp() + interval '1 day', interval '1 second')",
        "SELECT count(*) FROM generate_series(timeofday()::timestamptz, timeofday()::timestamptz + interval '1 day', interval '1 second')",
        "SELECT count(*) FROM generate_series(now(), now() + (SELECT max(ordered_at) - min(ordered_at) FROM orders WHERE random() < 0.5), '1 second')",
    ] {
        match run_as("analyst", PG, sql) {
            Err(GovernError::Denied(d)) => {
                assert_eq!(d.rule, Rule::FunctionNotAllowed, "{sql}");
                assert!(d.message.contains("random()"), "{sql}: {}", d.message);
            }
            other => panic!("{sql}: expected a denial, got {other:?}"),
        }
    }
    for sql in [
        "SELECT d FROM generate_series(date_trunc('month', now()) - interval '11 months', date_trunc('month', now()), '1 month') AS d",
        "SELECT count(*) FROM generate_series((SELECT min(ordered_at) FROM orders), (SELECT max(ordered_at) FROM orders), '1 day')",
        "SELECT random() AS r, g FROM generate_series(1, 10) AS g",
    ] {
        assert_role_allowed("analyst", PG, sql);
    }
    assert_role_denied(
        "analyst",
        LITE,
        "SELECT instr(name, CASE WHEN random() > 0 THEN 'a' ELSE city END) FROM customers",
        Rule::FunctionNotAllowed,
    );
    assert_role_denied(
        "analyst",
        LITE,
        "SELECT trim(name, CASE WHEN random() > 0 THEN 'a' ELSE city END) FROM customers",
        Rule::FunctionNotAllowed,
    );
    // A column computed with random() in a CTE or derived table may be inlined and read
    // twice as two values: with such a function anywhere in the statement, only literal
    // needles and bounds pass.
    for (dialect, sql) in [
        (
            LITE,
            "WITH n AS (SELECT CASE WHEN random() > 0 THEN 'a' ELSE 'b' END AS x) SELECT instr(name, (SELECT x FROM n)) FROM customers",
        ),
        (
            LITE,
            "SELECT instr(c.name, c.x) FROM (SELECT name, CASE WHEN random() > 0 THEN 'a' ELSE name END AS x FROM customers) c",
        ),
        (
            LITE,
            "SELECT instr(name, lower(city)), random() FROM customers",
        ),
        (
            PG,
            "WITH b AS (SELECT now() + random() * interval '1000 days' AS e) SELECT count(*) FROM generate_series(now(), (SELECT e FROM b), '1 second')",
        ),
    ] {
        assert_role_denied("analyst", dialect, sql, Rule::FunctionNotAllowed);
    }
    for (dialect, sql) in [
        (LITE, "SELECT instr(name, lower(city)) FROM customers"),
        (LITE, "SELECT instr(name, 'an'), random() FROM customers"),
        (
            LITE,
            "SELECT instr(name, lower('A') || 'n'), random() FROM customers",
        ),
        (
            PG,
            "SELECT random() AS r, d FROM generate_series(date '2025-01-01', now(), interval '1 day') AS d",
        ),
        (
            PG,
            "SELECT random() AS r, g FROM generate_series(1, 10) AS g",
        ),
    ] {
        assert_role_allowed("analyst", dialect, sql);
    }
}

/// SQLite needles are bounded in bytes, as SQLite searches: the run-time guard measures a
/// needle's bytes (`length` of text stops at a NUL byte, `instr` does not), a blob literal
/// needle is bounded like a text one, and a needle built by another guarded search is refused
/// (each guard copies its needle: nested, they doubled per level, gigabytes from 400 bytes).
#[test]
fn sqlite_needles_are_bounded_in_bytes_and_never_nest() {
    let q = run_as(
        "analyst",
        LITE,
        "SELECT instr(name || name, name || char(0)) FROM customers",
    )
    .expect("allowed");
    assert!(
        q.sql().contains(
            "CASE WHEN length(CAST(name || char(0) AS BLOB)) <= 1000 THEN name || char(0) END"
        ),
        "{}",
        q.sql()
    );
    let blob = |n: usize| format!("SELECT instr(name, X'{}') FROM customers", "61".repeat(n));
    run_as("analyst", LITE, &blob(1000)).expect("1,000 bytes");
    assert_role_denied("analyst", LITE, &blob(1001), Rule::FunctionNotAllowed);
    let wide = format!(
        "SELECT instr(name, '{}') FROM customers",
        "\u{e9}".repeat(501)
    );
    assert_role_denied("analyst", LITE, &wide, Rule::FunctionNotAllowed);
    let nested = |depth: usize| {
        let mut needle = "name".to_string();
        for _ in 0..depth {
            needle = format!("replace('a', {needle}, 'x')");
        }
        format!("SELECT replace('a', {needle}, 'x') AS r FROM customers")
    };
    run_as("analyst", LITE, &nested(0)).expect("one level");
    for depth in [1, 2, 20] {
        match run_as("analyst", LITE, &nested(depth)) {
            Err(GovernError::Denied(d)) => {
                assert_eq!(d.rule, Rule::FunctionNotAllowed);
                assert!(d.message.contains("built by a search"), "{}", d.message);
            }
            other => panic!("depth {depth}: {other:?}"),
        }
    }
    let trims = "SELECT trim(name, trim(city, trim(segment, name))) FROM customers";
    assert_role_denied("analyst", LITE, trims, Rule::FunctionNotAllowed);
    run_as(
        "analyst",
        LITE,
        "SELECT instr(name, replace(city, ' ', '')), trim(name, trim(city, 'x')) FROM customers",
    )
    .expect("inner searches for literals are not guarded, so not copied");
}

/// A number series' row count is computed exactly, as PostgreSQL counts it: in floating point
/// `generate_series(1e30, 1e30 + 2e6)` rounded to one value and made two million rows (and
/// 10^40 .. 10^40 + 10^20 filled temp files until the timeout). Bounds that are no literal
/// number are counted when the statement runs, in numeric.
#[test]
fn number_series_are_counted_exactly() {
    for sql in [
        "SELECT count(*) FROM generate_series(9007199254740993, 9007199254840994)",
        "SELECT count(*) FROM generate_series(1, 100001)",
        "SELECT count(*) FROM generate_series(0, 1, 0.000001)",
    ] {
        assert_role_denied("analyst", PG, sql, Rule::FunctionNotAllowed);
    }
    for sql in [
        "SELECT count(*) FROM generate_series(1, 100000)",
        "SELECT count(*) FROM generate_series(9007199254740993, 9007199254840992)",
        "SELECT count(*) FROM generate_series(0.5, 10.5, 0.25)",
        "SELECT count(*) FROM generate_series(1, 1e3)",
        "SELECT count(*) FROM generate_series(10, 1, -1)",
        "SELECT count(*) FROM generate_series(1, -5)",
    ] {
        assert_role_allowed("analyst", PG, sql);
    }
    // Computed bounds are counted when the statement runs, exactly (in numeric): the step is
    // guarded, the bounds and the step's type are the caller's.
    for (sql, guard) in [
        (
            "SELECT count(*) FROM generate_series(1e40, 1e40 + 1)",
            "CASE WHEN (1e40) IS NULL OR (1e40 + 1) IS NULL OR (1e40 + 1) <= (1e40) + CAST(1 AS NUMERIC) * 100000 THEN 1 ELSE (SELECT CAST(concat('generate_series would make more than 100001 values",
        ),
        (
            "SELECT g FROM generate_series((SELECT max(id) FROM orders), 1, -0.5) g",
            "<= (1) + CAST(0.5 AS NUMERIC) * 100000 THEN -0.5 ELSE (SELECT CAST(",
        ),
    ] {
        let q = run_as("analyst", PG, sql).expect("allowed");
        assert!(q.sql().contains(guard), "{}", q.sql());
        // governed again, the guard is recognized, not guarded twice
        let again = run_as_with("analyst", PG, q.sql(), &q.params).expect("allowed again");
        assert_eq!(
            again.sql().matches("CASE WHEN").count(),
            1,
            "{}",
            again.sql()
        );
    }
    // Literals past 28 significant digits are no count: guarded as computed bounds are.
    for sql in [
        "SELECT count(*) FROM generate_series(1000000000000000000000000000000, 1000000000000000000000002000000)",
        "SELECT count(*) FROM generate_series(10000000000000000000000000000000000000000, 10000000000000000000100000000000000000000)",
    ] {
        let q = run_as("analyst", PG, sql).expect("allowed");
        assert!(
            q.sql().contains(
                "* 100000 THEN 1 ELSE (SELECT CAST(concat('generate_series would make more"
            ),
            "{}",
            q.sql()
        );
    }
    for sql in [
        "SELECT count(*) FROM orders o, generate_series(1, 10, o.id)",
        "SELECT count(*) FROM generate_series(1, (SELECT max(id) FROM orders), (SELECT 1))",
        "SELECT count(*) FROM generate_series(1, (SELECT max(id) FROM orders), 0)",
    ] {
        assert_role_denied("analyst", PG, sql, Rule::FunctionNotAllowed);
    }
}

/// SQLite reads a blob passed to its JSON functions as binary JSON, and printed a crafted one
/// (an array nested once per byte) by recursing once per level until a worker's stack
/// overflowed: the server aborted on 90 KB of `X'EB...1B1B...'`. Blobs of the caller's bytes
/// are therefore small (`X'...'` at most 1,000 bytes), never built (no `unhex`, no cast to
/// BLOB but for its byte count) and never nested by SQLite's own binary JSON builders (jsonb*).
#[test]
fn sqlite_blobs_of_the_callers_bytes_stay_small() {
    let nested = format!(
        "SELECT length(json(X'EB0000AFC9{}0B')) AS t",
        "1B".repeat(45_000)
    );
    for sql in [
        nested.as_str(),
        "SELECT length(json(unhex('EB000186A1' || replace('1B1B', '1B', '1B1B1B1B') || '0B'))) AS n",
        "SELECT json(CAST(replace('xx', 'x', char(27)) AS BLOB)) AS j",
        "SELECT jsonb_array(jsonb_array(1)) AS j",
        "SELECT * FROM jsonb_each('[1]')",
    ] {
        match run_as("analyst", LITE, sql) {
            Err(GovernError::Denied(_)) => {}
            other => panic!("{}: {other:?}", &sql[..sql.len().min(80)]),
        }
    }
    for sql in [
        "SELECT length(CAST(name AS BLOB)) AS bytes FROM customers",
        "SELECT json_extract('{\"a\": [1, 2]}', '$.a[1]') AS a, X'6162' AS b",
        "SELECT key, value FROM json_each('[1, 2]')",
    ] {
        assert_role_allowed("analyst", LITE, sql);
    }
}

/// SQLite's function forms `like(pattern, text)` and `glob(pattern, text)` are searches as
/// the operators are: their patterns are bounded and searches of built text counted (twelve
/// `like(...)` calls over a built 30 MB text held a core for a minute past the timeout).
#[test]
fn sqlite_like_and_glob_functions_count_as_searches() {
    let pattern = format!("%{}y", "x".repeat(98));
    let calls = (0..12)
        .map(|_| format!("like('{pattern}', z)"))
        .collect::<Vec<_>>()
        .join(" + ");
    let built =
        format!("WITH s(z) AS (SELECT replace('xx', 'x', 'xxxx')) SELECT {calls} AS n FROM s");
    assert_role_denied("analyst", LITE, &built, Rule::FunctionNotAllowed);
    let long = format!("SELECT glob('{}', name) FROM customers", "a".repeat(101));
    assert_role_denied("analyst", LITE, &long, Rule::FunctionNotAllowed);
    run_as(
        "analyst",
        LITE,
        "SELECT like('%an%', name) AS l, glob('A*', name) AS g FROM customers",
    )
    .expect("searches of stored columns");
}

/// SQLite's JSON functions create a level per step of a path they follow (`json_set(doc,
/// '$.a.a.a...', v)`) and build and print JSON by recursing once per level: a path of 8,000
/// steps, built by `replace()` in 171 bytes, overflowed a worker's stack and aborted the
/// server. Paths are at most 1,000 bytes: a literal over it is refused, any other guarded.
#[test]
fn sqlite_json_paths_are_bounded() {
    let long = format!("SELECT json_set('{{}}', '${}', 1) AS j", ".a".repeat(600));
    assert_role_denied("analyst", LITE, &long, Rule::FunctionNotAllowed);
    let arrow = format!("SELECT '{{}}' -> '${}' AS j", ".a".repeat(600));
    assert_role_denied("analyst", LITE, &arrow, Rule::FunctionNotAllowed);
    let built =
        "SELECT json_set('{}', '$' || replace(replace('bb', 'b', 'bbbb'), 'b', '.a'), 1) AS j";
    let q = run_as("analyst", LITE, built).expect("guarded");
    assert!(
        q.sql().contains("CASE WHEN length(CAST('$' || replace("),
        "{}",
        q.sql()
    );
    for sql in [
        "SELECT json_extract('{}', json_extract('{}', '$.' || name)) FROM customers",
        "SELECT key FROM customers, json_each('{\"a\": 1}', '$.' || name)",
        "SELECT json_extract('{}', '$.' || name), random() FROM customers",
    ] {
        assert_role_denied("analyst", LITE, sql, Rule::FunctionNotAllowed);
    }
    for sql in [
        "SELECT json_extract('{\"a\": {\"b\": 1}}', '$.a.b') AS x, '{\"a\": 1}' -> '$.a' AS y, '{\"a\": 1}' ->> 'a' AS z",
        "SELECT json_set('{}', '$.a', 1, '$.b', json_array(1, 2)) AS j",
        "SELECT json_extract('{\"a\": 1}', '$.' || name) AS v FROM customers",
        "SELECT key, value FROM json_each('{\"a\": 1}', '$')",
    ] {
        assert_role_allowed("analyst", LITE, sql);
    }
}

#[test]
fn value_builders_need_small_literal_sizes() {
    assert_allowed(LITE, "SELECT printf('%.2f', price) FROM products");
    assert_allowed(
        PG,
        "SELECT format('%s-%s', id, name), lpad(name, 20), repeat('*', 5) FROM customers",
    );
    assert_allowed(PG, "SELECT id FROM orders ORDER BY random() LIMIT 10");
    assert_denied(
        LITE,
        "SELECT printf('%1000000000d', 1)",
        Rule::FunctionNotAllowed,
    );
    assert_denied(
        PG,
        "SELECT format('%2000000000s', 'x')",
        Rule::FunctionNotAllowed,
    );
    assert_denied(
        PG,
        "SELECT repeat(repeat('x', 100), 100)",
        Rule::FunctionNotAllowed,
    );
    assert_denied(PG, "SELECT lpad('x', 1000000000)", Rule::FunctionNotAllowed);
    // A computed count or width is checked when the statement runs (PostgreSQL), unless it
    // may read differently twice or builds with repeat itself (nested guards would grow the
    // statement as a power).
    let sql = assert_allowed(PG, "SELECT lpad(name, id) FROM customers");
    assert!(
        sql.contains("lpad(name, CASE WHEN (id) IS NULL OR (id) <= 1000 THEN least((id), 1000) ELSE (SELECT CAST(concat('lpad(...) was given a count or width over 1000"),
        "{sql}"
    );
    assert_eq!(
        assert_allowed(PG, &sql),
        sql,
        "the guard is not guarded again"
    );
    for sql in [
        "SELECT repeat('x', (random() * 10)::int)",
        "SELECT repeat('x', length(repeat('y', length(name)))) FROM customers",
    ] {
        assert_denied(PG, sql, Rule::FunctionNotAllowed);
    }
    assert_denied(
        LITE,
        "SELECT substr(name, 1, 3) || printf('%.*c', id, ' ') FROM customers",
        Rule::FunctionNotAllowed,
    );
    // Chained through CTEs or a derived table, each repeat multiplies the last.
    for dialect in [PG, LITE] {
        assert_denied(
            dialect,
            "WITH a AS (SELECT repeat('x', 100) AS s), b AS (SELECT repeat(s, 100) AS s FROM a) SELECT length(s) FROM b",
            Rule::FunctionNotAllowed,
        );
        assert_denied(
            dialect,
            "SELECT repeat(t.s, 100) FROM (SELECT repeat('x', 100) AS s) AS t",
            Rule::FunctionNotAllowed,
        );
        assert_denied(
            dialect,
            "SELECT repeat(s, 100) FROM (SELECT repeat(name, 100) AS s FROM customers) AS t",
            Rule::FunctionNotAllowed,
        );
        assert_allowed(
            dialect,
            "SELECT repeat(c.name, 3), repeat(name, 2) FROM customers c",
        );
    }
    // lpad and rpad cut or pad to their width: any first argument keeps the value small.
    assert_allowed(
        PG,
        "SELECT lpad(id::text, 6, '0'), rpad(extract(month FROM created_at)::text, 2, '0'), lpad(upper(name), 30) FROM customers",
    );
    assert_denied(
        LITE,
        "SELECT repeat('x', id) FROM orders",
        Rule::FunctionNotAllowed,
    );
    assert_denied(
        LITE,
        "SELECT printf(name, 1) FROM customers",
        Rule::FunctionNotAllowed,
    );
}

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
            "instr(name, CASE WHEN length(lower(city)) <= 1000 THEN lower(city) END) AS \"instr(name, lower(city))\", "
        ) && q
            .sql()
            .contains("TRIM(name, CASE WHEN length(segment) <= 100 THEN segment END) AS \"trim(name, segment)\", ")
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
        if let Err(e) = run_as("analyst", PG, sql) {
            panic!("{sql}: {e:?}");
        }
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
    run_as(
        "analyst",
        LITE,
        "SELECT instr(name, lower(city)), random() FROM customers",
    )
    .expect("a needle that reads the same twice");
}

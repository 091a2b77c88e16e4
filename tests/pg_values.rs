//! Values as PostgreSQL means them (issue 8), on a real cluster through the real binary: string
//! parameters compared with date, timestamp and numeric columns work as the same literal would in
//! psql, under the analyst's row filter.
#![allow(clippy::disallowed_methods)]

mod common;

use common::mcp::{Client, assert_refused, call, config_file, error_code, stdio, text};
use serde_json::{Value, json};

/// A stdio session as a north analyst on a fresh copy of the demo database.
async fn analyst(dir: &std::path::Path) -> (Client, String) {
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let extra = format!(
        "[policies]\ndir = \"{}/policies\"\n",
        env!("CARGO_MANIFEST_DIR")
    );
    let config = config_file(dir, &cluster.url(&name), &extra);
    let client = stdio(&config, &["--role", "analyst", "--attr", "region=north"]).await;
    (client, name)
}

fn rows(r: &rmcp::model::CallToolResult) -> Vec<Value> {
    r.structured_content
        .as_ref()
        .and_then(|s| s["rows"].as_array().cloned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn string_parameters_compare_with_dates_timestamps_and_numerics_like_literals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, db) = analyst(dir.path()).await;
    let cluster = common::pg::cluster();
    for (sql, params, literal) in [
        (
            "SELECT count(*) FROM orders WHERE ordered_at >= $1",
            json!(["2025-01-01"]),
            "SELECT count(*) FROM orders WHERE ordered_at >= '2025-01-01' AND region = 'north'",
        ),
        (
            "SELECT count(*) FROM orders WHERE ordered_at::date BETWEEN $1 AND $2",
            json!(["2024-06-01", "2025-06-30"]),
            "SELECT count(*) FROM orders WHERE ordered_at::date BETWEEN '2024-06-01' AND '2025-06-30' AND region = 'north'",
        ),
        (
            "SELECT count(*) FROM order_lines WHERE unit_price > $1 AND order_id IN (SELECT id FROM orders WHERE date_trunc('month', ordered_at) = $2)",
            json!(["100.50", "2025-03-01 00:00:00"]),
            "SELECT count(*) FROM order_lines WHERE unit_price > '100.50' AND order_id IN (SELECT id FROM orders WHERE date_trunc('month', ordered_at) = '2025-03-01 00:00:00' AND region = 'north')",
        ),
        (
            // A list, written as PostgreSQL reads an array.
            "SELECT count(*) FROM orders WHERE customer_id = ANY($1) OR status = ANY($2)",
            json!(["{1,2,3,4,5,6,7,8,9,10}", "{cancelled}"]),
            "SELECT count(*) FROM orders WHERE (customer_id = ANY('{1,2,3,4,5,6,7,8,9,10}') OR status = ANY('{cancelled}')) AND region = 'north'",
        ),
        (
            // A text column keeps its text parameter; the number is bound as a number.
            "SELECT count(*) FROM orders WHERE status = $1 AND id > $2",
            json!(["shipped", 3]),
            "SELECT count(*) FROM orders WHERE status = 'shipped' AND id > 3 AND region = 'north'",
        ),
    ] {
        let r = call(&client, "query", json!({"sql": sql, "params": params})).await;
        assert_eq!(error_code(&r), None, "{sql}: {}", text(&r));
        let expected = cluster.query_text(&db, &format!("SELECT ({literal})::text"));
        let expected: i64 = expected[0].parse().expect("a count");
        assert!(expected > 0, "{literal} should match some rows");
        assert_eq!(rows(&r), vec![json!([expected])], "{sql}");
    }
    // A value that is not a date is the database's error, as with the literal.
    let bad = call(
        &client,
        "query",
        json!({"sql": "SELECT count(*) FROM orders WHERE ordered_at >= $1", "params": ["not a date"]}),
    )
    .await;
    assert_eq!(
        error_code(&bad).as_deref(),
        Some("database_error"),
        "{}",
        text(&bad)
    );
    assert!(text(&bad).contains("22007"), "{}", text(&bad));
    client.cancel().await.expect("close");
}

/// Intervals, numerics and timestamps come back as psql prints them, in the structured result
/// and the text alike; a numeric column is strings throughout (exact, scale kept), even where
/// one value is far too large for a double.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_render_as_postgresql_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, db) = analyst(dir.path()).await;
    let cluster = common::pg::cluster();
    let sql = "SELECT v.i, v.n, v.ts FROM (VALUES \
        (interval '25 mons 1 day 12:30:00', 56813675.90::numeric(12,2), timestamp '2025-01-02 03:04:05.5'), \
        (interval '-1 year +2 days', 1e40::numeric, timestamp '2025-01-02 03:04:05'), \
        (interval '0', 0.000::numeric(6,3), timestamp '2025-01-02 00:00:00.123456'), \
        (interval '3 days -00:00:01.5', 'NaN'::numeric, timestamp '2025-01-02 00:00:00')) AS v(i, n, ts)";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    // What psql prints for the same statement.
    let psql: Vec<Vec<String>> = ["i", "n", "ts"]
        .iter()
        .map(|c| cluster.query_text(&db, &format!("SELECT {c}::text FROM ({sql}) AS q")))
        .collect();
    let got = rows(&r);
    assert_eq!(got.len(), 4);
    for (k, row) in got.iter().enumerate() {
        for (c, column) in psql.iter().enumerate() {
            assert_eq!(row[c], json!(column[k]), "row {k} column {c}: {row}");
        }
    }
    assert_eq!(got[0][0], json!("2 years 1 mon 1 day 12:30:00"));
    assert_eq!(got[0][1], json!("56813675.90"));
    assert!(text(&r).contains("56813675.90") && text(&r).contains("2 years 1 mon 1 day 12:30:00"));
    // A column of the demo: every value a string with the column's scale.
    let prices = call(
        &client,
        "query",
        json!({"sql": "SELECT price FROM products ORDER BY id"}),
    )
    .await;
    let prices = rows(&prices);
    assert!(!prices.is_empty());
    for p in prices {
        let s = p[0].as_str().unwrap_or_else(|| panic!("a string: {p}"));
        assert_eq!(s.split('.').nth(1).map(str::len), Some(2), "{s}");
    }
    client.cancel().await.expect("close");
}

/// Statements are prepared once per connection and reused: a statement first bound with an
/// integer and later with a float, a NULL or a string must each get the right rows (PostgreSQL
/// fixes parameter types at prepare time), and a column whose type changed under a prepared
/// statement must not fail the next call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepared_statements_follow_parameter_kinds_and_schema_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, db) = analyst(dir.path()).await;
    let cluster = common::pg::cluster();
    let id: i64 = cluster.query_text(
        &db,
        "SELECT min(id)::text FROM orders WHERE region = 'north'",
    )[0]
    .parse()
    .expect("an id");
    let sql = "SELECT id, status FROM orders WHERE id = $1";
    let ids = |r: &rmcp::model::CallToolResult| -> Vec<Value> {
        rows(r).iter().map(|row| row[0].clone()).collect()
    };
    // Several rounds, so every pooled connection sees each kind after another.
    for _ in 0..4 {
        for (param, want) in [
            (json!(id), vec![json!(id)]),
            (json!(id as f64 + 0.5), vec![]),
            (json!(id as f64), vec![json!(id)]),
            (Value::Null, vec![]),
            (json!(id.to_string()), vec![json!(id)]),
        ] {
            let r = call(
                &client,
                "query",
                json!({"sql": sql, "params": [param.clone()]}),
            )
            .await;
            assert_eq!(error_code(&r), None, "{param}: {}", text(&r));
            assert_eq!(ids(&r), want, "parameter {param}");
        }
    }
    // The demo's view over `status` would block the change of its type.
    cluster.execute(&db, "DROP VIEW monthly_sales");
    cluster.execute(
        &db,
        "ALTER TABLE orders ALTER COLUMN status TYPE varchar(40)",
    );
    // Values not asked before: the analyst's result cache has nothing for them.
    for k in 1..=8 {
        let r = call(
            &client,
            "query",
            json!({"sql": sql, "params": [id + k * 1_000_000]}),
        )
        .await;
        assert_eq!(error_code(&r), None, "after ALTER: {}", text(&r));
        assert_eq!(ids(&r), Vec::<Value>::new());
    }
    client.cancel().await.expect("close");
}

/// Arrays of dates, times, timestamps, intervals, uuids and jsonb, and money, inet, cidr and
/// timetz values come back as values, never as a placeholder naming their type.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arrays_and_less_common_types_render_as_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let sql = "SELECT ARRAY[date '2025-01-02', NULL, date '2025-02-03'] AS d, \
        ARRAY[timestamp '2025-01-02 03:04:05.5'] AS ts, \
        ARRAY[timestamptz '2025-01-02 03:04:05+00'] AS tz, \
        ARRAY[interval '1 day 02:00:00'] AS iv, ARRAY[time '12:30:00'] AS t, \
        ARRAY['{\"a\": 1}'::jsonb] AS j, \
        ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid] AS u, \
        CAST(1234.5 AS money) AS m, CAST('10.0.0.1' AS inet) AS ip, CAST('10.1.0.0/16' AS inet) AS net, \
        CAST('10.0.0.0/8' AS cidr) AS c, CAST('::1' AS inet) AS ip6, \
        CAST('12:30:00+02' AS timetz) AS tt, CAST('12:30:00-05:30' AS timetz) AS tt2, \
        (SELECT array_agg(o.ordered_at::date ORDER BY o.id) FROM orders o WHERE o.id <= 3) AS dates";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    assert!(!text(&r).contains(" value>"), "{}", text(&r));
    assert_eq!(row[0], json!(["2025-01-02", null, "2025-02-03"]));
    assert_eq!(row[1], json!(["2025-01-02 03:04:05.5"]));
    assert_eq!(row[2], json!(["2025-01-02 03:04:05+00"]));
    assert_eq!(row[3], json!(["1 day 02:00:00"]));
    assert_eq!(row[4], json!(["12:30:00"]));
    assert_eq!(row[5], json!([{"a": 1}]));
    assert_eq!(row[6], json!(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]));
    assert_eq!(row[7], json!("1234.50"));
    assert_eq!(row[8], json!("10.0.0.1"));
    assert_eq!(row[9], json!("10.1.0.0/16"));
    assert_eq!(row[10], json!("10.0.0.0/8"));
    assert_eq!(row[11], json!("::1"));
    assert_eq!(row[12], json!("12:30:00+02"));
    assert_eq!(row[13], json!("12:30:00-05:30"));
    let dates = row[14].as_array().expect("an array of dates");
    assert!(!dates.is_empty());
    for d in dates {
        let d = d.as_str().unwrap_or_default();
        assert!(d.len() == 10 && d.as_bytes()[4] == b'-', "a date: {d}");
    }
    client.cancel().await.expect("close");
}

/// Values the driver's decoders could not take: infinite dates and timestamps (the driver
/// panicked in its worker and the call got no reply), years BC, `real`s (printed with the
/// digits of the double nearest them) and numeric arrays (zero lost its scale, NaN was a
/// placeholder). Each comes back as psql prints it, and the server keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn infinities_reals_and_numeric_arrays_render_as_postgresql_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let sql = "SELECT 'infinity'::date AS d, '-infinity'::timestamp AS ts, 'infinity'::timestamptz AS tz, \
        ARRAY['infinity'::date, NULL, date '2025-01-02'] AS ds, ARRAY['-infinity'::timestamptz] AS tzs, \
        DATE '0044-03-15 BC' AS bc, TIMESTAMP '0044-03-15 12:00:00 BC' AS bcts, \
        0.1::real AS r, ARRAY[0.1::real, 0.7::real] AS rs, 1e20::real AS big, \
        ARRAY[0.00, 0.05, 100.10]::numeric[] AS ns, ARRAY['NaN'::numeric, NULL] AS nan, \
        (SELECT coalesce(max(ordered_at), 'infinity') FROM orders WHERE false) AS open_end, \
        ARRAY['NaN'::float8, 'Infinity', '-Infinity', 1.5, NULL] AS fs";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    assert!(!text(&r).contains(" value>"), "{}", text(&r));
    let expected = [
        json!("infinity"),
        json!("-infinity"),
        json!("infinity"),
        json!(["infinity", null, "2025-01-02"]),
        json!(["-infinity"]),
        json!("0044-03-15 BC"),
        json!("0044-03-15 12:00:00 BC"),
        json!(0.1),
        json!([0.1, 0.7]),
        json!(1e20),
        json!(["0.00", "0.05", "100.10"]),
        json!(["NaN", null]),
        json!("infinity"),
        json!(["NaN", "Infinity", "-Infinity", 1.5, null]),
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(&row[i], want, "column {i}: {}", text(&r));
    }
    // The same connection and server still answer.
    let again = call(&client, "query", json!({ "sql": "SELECT 1 AS one" })).await;
    assert_eq!(error_code(&again), None, "{}", text(&again));
    client.cancel().await.expect("close");
}

/// A sign binds as PostgreSQL binds it: tighter than `^` (`-2 ^ 2` is 4), which the parser
/// reads the other way round; the answer is the one psql gives, not the parser's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_binds_tighter_than_exponentiation_as_in_postgresql() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let sql = "SELECT -2 ^ 2 AS a, 8 / -2 ^ 2 AS b, - 2 ^ 3 ^ 2 AS c, -(2 ^ 2) AS d, - - 2 ^ 2 AS e, \
        (SELECT -price ^ 2 FROM products WHERE id = 1) = (SELECT price ^ 2 FROM products WHERE id = 1) AS f";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    let numbers: Vec<Option<f64>> = (0..5).map(|i| row[i].as_f64()).collect();
    assert_eq!(
        numbers,
        [Some(4.0), Some(2.0), Some(64.0), Some(-4.0), Some(4.0)],
        "{}",
        text(&r)
    );
    assert_eq!(row[5], json!(true), "{}", text(&r));
    client.cancel().await.expect("close");
}

/// Full-text search works over the rows a role may read, `tsvector`s print as psql prints
/// them, arrays of more than one dimension come back as nested arrays, and the text search
/// functions that run SQL text stay refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_text_search_and_multidimensional_arrays() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let sql = "SELECT to_tsvector('english', 'The fat rats ate fat') AS v, \
        setweight(to_tsvector('simple', 'it''s'), 'A') AS w, \
        ARRAY[[1, 2], [3, 4]] AS a, ARRAY[['a', NULL], ['c', 'd']] AS t, \
        (SELECT count(*) FROM customers WHERE to_tsvector('simple', name) @@ plainto_tsquery('simple', 'smith')) \
          = (SELECT count(*) FROM customers WHERE name ILIKE '%smith%') AS same";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    assert_eq!(row[0], json!("'ate':4 'fat':2,5 'rat':3"), "{}", text(&r));
    assert_eq!(row[1], json!("'it':1A 's':2A"), "{}", text(&r));
    assert_eq!(row[2], json!([[1, 2], [3, 4]]), "{}", text(&r));
    assert_eq!(row[3], json!([["a", null], ["c", "d"]]), "{}", text(&r));
    assert_eq!(row[4], json!(true), "{}", text(&r));
    for sql in [
        "SELECT * FROM ts_stat('SELECT to_tsvector(name) FROM customers')",
        "SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery')",
    ] {
        let r = call(&client, "query", json!({ "sql": sql })).await;
        assert_eq!(error_code(&r), Some("policy_denied".into()), "{}", text(&r));
    }
    client.cancel().await.expect("close");
}

/// Records (ROW, a whole-row reference, arrays of them), type names and MAC addresses print
/// as psql prints them; a role's whole row holds only the columns it may read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_type_names_and_mac_addresses_render_as_psql_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let sql = "SELECT ROW(1, 'a b', NULL, ''::text, 2.50::numeric, DATE '2025-01-02') AS r, \
        (SELECT p FROM products p ORDER BY id LIMIT 1) AS whole, \
        (SELECT array_agg(ROW(id, sku) ORDER BY id) FROM products WHERE id < 3) AS rows, \
        ROW(ROW(1, 'x'), true) AS nested, pg_typeof(2.5) AS t, pg_typeof(ARRAY[1]) AS ta, \
        '08:00:2b:01:02:03'::macaddr AS m";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert!(!text(&r).contains(" value>"), "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    let expected = [
        json!("(1,\"a b\",,\"\",2.50,2025-01-02)"),
        // (the analyst does not see products.cost)
        json!("(1,ELE-0001,\"Wireless Earbuds\",Electronics,79.99,t)"),
        json!(["(1,ELE-0001)", "(2,ELE-0002)"]),
        json!("(\"(1,x)\",t)"),
        json!("numeric"),
        json!("integer[]"),
        json!("08:00:2b:01:02:03"),
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(&row[i], want, "column {i}: {}", text(&r));
    }
    client.cancel().await.expect("close");
}

/// Bit strings (`B'101'`, `bit(n)`, `varbit`, their arrays and record fields) and `bpchar`
/// casts run and come back as psql prints them; a `B'...'` that is no bit string is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bit_strings_and_bpchar_render_as_psql_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let sql = "SELECT B'101' AS b, B'1011000011'::varbit AS v, 5::bit(8) AS e, ''::varbit AS z, \
        bit_count(B'1101') AS n, ARRAY[B'1', B'0'] AS a, ROW(B'11', 1) AS r, \
        'ab'::char(4)::bpchar AS c, length('ab  '::bpchar) AS l";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert!(!text(&r).contains(" value>"), "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    let expected = [
        json!("101"),
        json!("1011000011"),
        json!("00000101"),
        json!(""),
        json!(3),
        json!(["1", "0"]),
        json!("(11,1)"),
        json!("ab  "),
        json!(2),
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(&row[i], want, "column {i}: {}", text(&r));
    }
    let r = call(&client, "query", json!({ "sql": "SELECT B'10''1' AS x" })).await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("policy_denied"),
        "{}",
        text(&r)
    );
    client.cancel().await.expect("close");
}

/// Arrays of floats, intervals, times, uuids, jsonb and bytea of any number of dimensions come
/// back as nested arrays with NULL elements kept (they showed `<float8[] value>` past one
/// dimension).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arrays_of_every_decoded_type_nest_by_dimension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let sql = "SELECT ARRAY[[1.5,2],[3,'NaN']]::float8[] AS f, ARRAY[[0.1::real,2]] AS r, \
        ARRAY[interval '1 day', NULL, interval '-2 years 3 mins'] AS iv, \
        ARRAY[[interval '1 mon']] AS iv2, ARRAY[time '12:30:01.5', NULL] AS t, \
        ARRAY['{\"a\":1}'::jsonb, '[1,2]'] AS j, ARRAY[['\\xdead'::bytea]] AS b, \
        ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid] AS u, ARRAY[]::float8[] AS e";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert!(!text(&r).contains(" value>"), "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    let expected = [
        json!([[1.5, 2.0], [3.0, "NaN"]]),
        json!([[0.1, 2.0]]),
        json!(["1 day", null, "-2 years +00:03:00"]),
        json!([["1 mon"]]),
        json!(["12:30:01.5", null]),
        json!([{"a": 1}, [1, 2]]),
        json!([["\\xdead"]]),
        json!(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]),
        json!([]),
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(&row[i], want, "column {i}: {}", text(&r));
    }
    client.cancel().await.expect("close");
}

/// A `tsquery` prints as psql prints it (priorities, parentheses, phrase distances, weights,
/// prefixes, quotes); one nested deeper than the printer goes is named, and the server keeps
/// serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_search_queries_render_as_psql_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let sql = r#"SELECT 'fat:*A & !rat'::tsquery AS a, 'a <2> b'::tsquery AS b,
        'a <-> (b | c) & d'::tsquery AS c, '(a <-> b) <-> c'::tsquery AS d,
        'a <-> (b <-> c)'::tsquery AS e, E'''it''''s'' & b\\\\c'::tsquery AS f,
        '!(a & b)'::tsquery AS g, to_tsquery('english', 'cats & (dogs | !mice)') AS h,
        'a:BD | b:ABCD*'::tsquery AS i, '(a | b) & (c | d)'::tsquery AS j"#;
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    let expected = [
        r"'fat':*A & !'rat'",
        r"'a' <2> 'b'",
        r"'a' <-> ( 'b' | 'c' ) & 'd'",
        r"'a' <-> 'b' <-> 'c'",
        r"'a' <-> ( 'b' <-> 'c' )",
        r"'it''s' & 'b\\c'",
        r"!( 'a' & 'b' )",
        r"'cat' & ( 'dog' | !'mice' )",
        r"'a':BD | 'b':*ABCD",
        r"( 'a' | 'b' ) & ( 'c' | 'd' )",
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(row[i], json!(want), "column {i}: {}", text(&r));
    }
    let deep = format!(
        "SELECT to_tsquery('simple', '{}b') AS q, 1 AS one",
        "a & ".repeat(1000)
    );
    let r = call(&client, "query", json!({ "sql": deep })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    assert_eq!(row[0], json!("<tsquery value>"), "{}", text(&r));
    assert_eq!(row[1], json!(1));
    client.cancel().await.expect("close");
}

/// Values that print far longer than they are get a placeholder, not gigabytes: records
/// nested 31 deep (each level doubled the quoting inside it: 2 GB from 400 bytes, then an
/// abort); fixed-width casts that pad a byte to megabytes are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_that_print_far_longer_than_they_are_are_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let deep = format!(
        "SELECT {}1{} AS r, 2 AS two",
        "ROW(".repeat(31),
        ")".repeat(31)
    );
    let started = std::time::Instant::now();
    let r = call(&client, "query", json!({ "sql": deep })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    assert_eq!(row[0], json!("<record value>"), "{}", text(&r));
    assert_eq!(row[1], json!(2));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let r = call(
        &client,
        "query",
        json!({ "sql": "SELECT ROW(ROW(1, 'x y'), true) AS r" }),
    )
    .await;
    let row = rows(&r).into_iter().next().expect("one row");
    assert_eq!(row[0], json!("(\"(1,\"\"x y\"\")\",t)"), "{}", text(&r));
    for sql in [
        "SELECT B'1'::bit(83886080) AS b",
        "SELECT 'x'::char(10485760) AS c",
        "SELECT id::text::character(1000000) AS c FROM orders",
        "SELECT 'x'::bpchar(5000) AS c",
    ] {
        let r = call(&client, "query", json!({ "sql": sql })).await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("policy_denied"),
            "{sql}: {}",
            text(&r)
        );
        assert!(text(&r).contains("at most 1000"), "{}", text(&r));
    }
    // A numeric of 131,072 digits is 10 bytes on the wire: 25,000 of them printed whole
    // were gigabytes of text, which aborted the server (red-team finding). Such values come
    // in scientific notation, a row of them and an array of them alike. (Collected into one
    // array by an aggregate they are refused before they run: each counts its 131,072
    // digits, for a thousand rows.)
    let started = std::time::Instant::now();
    let r = call(
        &client,
        "query",
        json!({ "sql": "SELECT 9e131071 AS n, -1.5e-16000::numeric AS m, ARRAY[9e131071, 1] AS a FROM order_lines" }),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let all = rows(&r);
    assert!(all.len() > 100, "{}", all.len());
    let row = all.into_iter().next().expect("one row");
    assert_eq!(row[0], json!("9e+131071"));
    assert_eq!(row[1], json!("-1.5e-16000"));
    assert_eq!(row[2][0], json!("9e+131071"));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // A time of 24:00:00 (PostgreSQL's end of day) and a document nested past the JSON
    // reader's depth print as psql prints them.
    let deep = format!(
        "SELECT '24:00:00'::time AS t, ARRAY['24:00:00'::time] AS ts, '{}{}'::jsonb AS j",
        "[".repeat(200),
        "]".repeat(200)
    );
    let r = call(&client, "query", json!({ "sql": deep })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let row = rows(&r).into_iter().next().expect("one row");
    assert_eq!(row[0], json!("24:00:00"));
    assert_eq!(row[1], json!(["24:00:00"]));
    assert_eq!(
        row[2],
        json!(format!("{}{}", "[".repeat(200), "]".repeat(200)))
    );
    let r = call(
        &client,
        "query",
        json!({ "sql": "SELECT 'ab'::char(4) AS c, 5::bit(8) AS b" }),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    client.cancel().await.expect("close");
}

/// Whole-number parameters work where PostgreSQL wants an `integer`, as the same number
/// written in the SQL does (`round(numeric, bigint)` does not exist); a number too large for
/// an integer is still a bigint, also for a statement first prepared with a small one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_number_parameters_work_where_an_integer_is_expected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, db) = analyst(dir.path()).await;
    let cluster = common::pg::cluster();
    for (sql, params, literal) in [
        (
            "SELECT round(avg(unit_price), $1)::text FROM order_lines",
            json!([2]),
            "SELECT round(avg(unit_price), 2)::text FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE region = 'north')",
        ),
        (
            "SELECT left(status, $1) FROM orders ORDER BY id LIMIT 1",
            json!([3]),
            "SELECT left(status, 3) FROM orders WHERE region = 'north' ORDER BY id LIMIT 1",
        ),
        (
            "SELECT ntile($1) OVER (ORDER BY id)::text FROM orders ORDER BY id DESC LIMIT 1",
            json!([4]),
            "SELECT ntile(4) OVER (ORDER BY id)::text FROM orders WHERE region = 'north' ORDER BY id DESC LIMIT 1",
        ),
        (
            "SELECT make_date($1, $2, 1)::text",
            json!([2025, 3]),
            "SELECT make_date(2025, 3, 1)::text",
        ),
        (
            "SELECT count(*)::text FROM orders WHERE ordered_at::date >= DATE '2025-12-31' - $1",
            json!([300]),
            "SELECT count(*)::text FROM orders WHERE ordered_at::date >= DATE '2025-12-31' - 300 AND region = 'north'",
        ),
        (
            "SELECT count(*)::text FROM orders WHERE id < $1",
            json!([5]),
            "SELECT count(*)::text FROM orders WHERE id < 5 AND region = 'north'",
        ),
        (
            "SELECT count(*)::text FROM orders WHERE id < $1",
            json!([10_000_000_000_i64]),
            "SELECT count(*)::text FROM orders WHERE id < 10000000000 AND region = 'north'",
        ),
    ] {
        let r = call(&client, "query", json!({"sql": sql, "params": params})).await;
        assert_eq!(error_code(&r), None, "{sql}: {}", text(&r));
        let expected = cluster.query_text(&db, &format!("SELECT ({literal})"));
        assert_eq!(rows(&r), vec![json!([expected[0]])], "{sql}");
    }
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounded_series_is_the_function_the_caller_called() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, db) = analyst(dir.path()).await;
    let cluster = common::pg::cluster();
    // The same function as unguarded (date bounds: timestamptz), the same values, either way.
    for sql in [
        "SELECT string_agg(pg_typeof(d)::text || ' ' || d::text, '; ') FROM generate_series('2025-01-01'::date, '2025-01-03'::date, '1 day') d",
        "SELECT string_agg(pg_typeof(d)::text || ' ' || d::text, '; ') FROM generate_series('2025-01-01'::timestamp, '2025-01-01 02:00'::timestamp, '1 hour') d",
        "SELECT string_agg(pg_typeof(d)::text || ' ' || d::text, '; ') FROM generate_series('2025-01-01'::date, '2025-01-02'::timestamp, '12 hours') d",
        "SELECT string_agg(d::date::text, ',') FROM generate_series(DATE '2025-03-31', DATE '2024-12-31', interval '-1 month') d",
        "SELECT count(*)::text FROM generate_series(current_date - 30, current_date, interval '1 day')",
        "SELECT count(*)::text FROM generate_series('2025-01-01'::date, NULL::date, '1 day')",
        "SELECT string_agg(x::text, ',') FROM generate_series(1.0, 2.0, 0.25) x",
        "SELECT string_agg(x::text, ',') FROM generate_series(5, 1, -2) x",
        // Computed number bounds (guarded at run time): the same function and values.
        "SELECT string_agg(pg_typeof(x)::text || ' ' || x::text, '; ') FROM generate_series(1, 2 + 1) x",
        "SELECT string_agg(pg_typeof(x)::text || ' ' || x::text, '; ') FROM generate_series(1::bigint, (SELECT count(*) FROM products WHERE id < 4)) x",
        "SELECT string_agg(pg_typeof(x)::text || ' ' || x::text, '; ') FROM generate_series(0, 1 + 0, 0.25) x",
        "SELECT string_agg(x::text, ',') FROM generate_series((SELECT max(id) FROM products WHERE id < 10), 5, -2) x",
        "SELECT string_agg(x::text, ',') FROM generate_series(2147483640, 2147483646 + 1) x",
        "SELECT count(*)::text FROM generate_series(1, NULL::int)",
        "SELECT count(*)::text FROM generate_series(1, 100000 + 1)",
    ] {
        let r = call(&client, "query", json!({"sql": sql})).await;
        assert_eq!(error_code(&r), None, "{sql}: {}", text(&r));
        let expected = cluster.query_text(&db, &format!("SELECT ({sql})"));
        assert_eq!(rows(&r), vec![json!([expected[0]])], "{sql}");
    }
    // Bounds that would make more than 100,001 values fail before making any (unguarded:
    // three million rows, or "timestamp out of range" for an infinite stop), saying why.
    for sql in [
        "SELECT count(*) FROM generate_series('0001-01-01'::date, '9999-12-31'::date, '1 day')",
        "SELECT count(*) FROM generate_series(now(), 'infinity'::timestamptz, '1 hour')",
        "SELECT count(*) FROM generate_series(now(), '-infinity'::timestamptz, '-1 hour')",
        "SELECT count(*) FROM generate_series(DATE '1000-01-01', DATE '2025-01-01', interval '1 day')",
        "SELECT count(*) FROM generate_series(1, 100000 + 2)",
        "SELECT count(*) FROM generate_series(1, (SELECT count(*) FROM orders) * 1000)",
        "SELECT count(*) FROM generate_series((SELECT count(*) FROM orders) * 1000, 1, -1)",
        "SELECT count(*) FROM generate_series(1e30, 1e30 + 2000000)",
        "SELECT count(*) FROM generate_series(1000000000000000000000000000000, 1000000000000000000000002000000)",
        "SELECT count(*) FROM orders o, LATERAL generate_series(1, o.id * 1000000) AS g",
        "SELECT count(*) FROM generate_series(0, 1 + 0, 0.000001)",
    ] {
        let r = call(&client, "query", json!({ "sql": sql })).await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("database_error"),
            "{sql}: {}",
            text(&r)
        );
        assert!(
            text(&r).contains("generate_series would make more than 100001 values"),
            "{sql}: {}",
            text(&r)
        );
    }
    // An infinite start makes none (it would never end).
    let sql = "SELECT count(*) FROM generate_series('infinity'::timestamptz, 'infinity'::timestamptz, '1 hour')";
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(rows(&r), vec![json!([0])], "{sql}: {}", text(&r));
    client.cancel().await.expect("close");
}

/// A chain of CTEs each naming the column below four times inlines into 4^10 copies: planning
/// it took PostgreSQL gigabytes and seconds it does not let the statement timeout interrupt.
/// Governance plans the part past the bound once instead (`OFFSET 0`): the same answer, fast.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expressions_that_multiply_through_inlining_are_planned_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let mut sql = "WITH c0 AS (SELECT 1::numeric AS s)".to_string();
    for i in 1..=12 {
        sql.push_str(&format!(", c{i} AS (SELECT s+s+s+s AS s FROM c{})", i - 1));
    }
    sql.push_str(" SELECT s::text FROM c12");
    let started = std::time::Instant::now();
    let r = call(&client, "query", json!({ "sql": sql })).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert_eq!(rows(&r), vec![json!([16_777_216.to_string()])]);
    // A LATERAL chain, and forty references to a chain under the bound in a WHERE.
    let mut lateral =
        "SELECT count(*)::text FROM (SELECT id::numeric AS s FROM orders WHERE id < 3) a0"
            .to_string();
    for i in 1..=10 {
        lateral.push_str(&format!(
            ", LATERAL (SELECT a{p}.s + a{p}.s + a{p}.s + a{p}.s AS s) a{i}",
            p = i - 1
        ));
    }
    lateral.push_str(" WHERE a10.s > 0");
    let mut heavy = "WITH c0 AS (SELECT 1::numeric AS s)".to_string();
    for i in 1..=6 {
        heavy.push_str(&format!(", c{i} AS (SELECT s+s+s+s AS s FROM c{})", i - 1));
    }
    heavy.push_str(&format!(
        " SELECT count(*)::text FROM c6 WHERE {} > 0",
        vec!["s"; 40].join("+")
    ));
    for sql in [&lateral, &heavy] {
        let r = call(&client, "query", json!({ "sql": sql })).await;
        assert_eq!(error_code(&r), None, "{}", text(&r));
    }
    // BETWEEN copies what it tests; 21 nested levels were 2.8 GB of parse tree.
    let mut between = "o.id".to_string();
    for _ in 0..21 {
        between = format!("({between} BETWEEN 0 AND 1)::int");
    }
    let r = call(
        &client,
        "query",
        json!({ "sql": format!("SELECT count(*) FROM orders o WHERE {between} = 1") }),
    )
    .await;
    assert_eq!(
        error_code(&r).as_deref(),
        Some("policy_denied"),
        "{}",
        text(&r)
    );
    assert!(text(&r).contains("too complex"), "{}", text(&r));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    client.cancel().await.expect("close");
}

/// Arithmetic on huge numerics never looks at a cancel: such a statement runs on in its
/// backend long after the caller was told `timeout`. Its session stays checked out until the
/// backend has stopped, so the next call waits for the pool instead of adding a second busy
/// backend (runaway backends piled up outside the pool before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_that_ignores_its_cancel_keeps_its_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cluster = common::pg::cluster();
    let name = cluster.fresh_db();
    let config = config_file(
        dir.path(),
        &cluster.url(&name),
        // Short against the statement (1-4 s of arithmetic, by machine): the runaway backend
        // must still be busy well after the caller was told `timeout` (with 1 s, a fast
        // machine's backend stopped too soon after it for the test to see the wait).
        "[limits]\nstatement_timeout = \"200ms\"\n",
    );
    let mut text_cfg = std::fs::read_to_string(&config).expect("config");
    text_cfg.push_str("max_connections = 1\n");
    std::fs::write(&config, text_cfg).expect("config");
    let client = stdio(&config, &[]).await;
    let products = vec!["a*a"; 60].join(", ");
    let slow = format!(
        "SELECT length(greatest({products})::text) FROM (SELECT power(10::numeric, 60000) - 1 AS a) x"
    );
    let started = std::time::Instant::now();
    let r = call(&client, "query", json!({ "sql": slow })).await;
    assert_eq!(error_code(&r).as_deref(), Some("timeout"), "{}", text(&r));
    let timed_out = started.elapsed();
    let busy = |db: &str| {
        cluster.query_text(
            db,
            "SELECT count(*)::text FROM pg_stat_activity WHERE state = 'active' AND query ILIKE '%power(10::numeric%' AND query NOT ILIKE '%pg_stat_activity%'",
        )[0]
            .clone()
    };
    assert_eq!(busy(&name), "1", "the backend runs on past the timeout");
    let r = call(&client, "query", json!({"sql": "SELECT 1 AS one"})).await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    // The second call got the one session only once the runaway backend had stopped.
    assert_eq!(busy(&name), "0");
    assert!(
        started.elapsed() > timed_out + std::time::Duration::from_millis(500),
        "the next call ran at once beside the runaway backend: {:?} after the timeout",
        started.elapsed() - timed_out
    );
    client.cancel().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_render_as_postgresql_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, db) = analyst(dir.path()).await;
    let cluster = common::pg::cluster();
    for expr in [
        "daterange('2025-01-01', '2025-02-01')",
        "daterange('2025-01-01', NULL, '[]')",
        "int4range(1, 10, '(]')",
        "int8range(5, 5)",
        "numrange(1.50, 2.25)",
        "tsrange('2024-01-01 10:00', '2024-01-01 12:30')",
        "tstzrange('2024-01-01 10:00+00', NULL)",
    ] {
        let r = call(&client, "query", json!({ "sql": format!("SELECT {expr}") })).await;
        assert_eq!(error_code(&r), None, "{expr}: {}", text(&r));
        let psql = cluster.query_text(&db, &format!("SELECT ({expr})::text"));
        assert_eq!(rows(&r), vec![json!([psql[0]])], "{expr}");
    }
    client.cancel().await.expect("close");
}

/// A value built through CTE levels and copied by a long chain in one expression made a backend
/// allocate 13 GB until the kernel killed it, restarting every session of the cluster
/// (red-team finding): PostgreSQL checks neither a memory limit nor the timeout inside one
/// expression. Such statements are refused before they reach the database; what analytics
/// builds still runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_built_past_the_databases_memory_are_refused_before_they_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, db) = analyst(dir.path()).await;
    let cluster = common::pg::cluster();
    let started = cluster.query_text(&db, "SELECT pg_postmaster_start_time()::text");
    let chain = |term: &str, n: usize| vec![term; n].join(" || ");
    let attack = format!(
        "WITH a AS (SELECT repeat(status, 10) AS s FROM orders LIMIT 1), b AS (SELECT {} AS s FROM a), c AS (SELECT {} AS s FROM b), d AS (SELECT {} AS s FROM c) SELECT length({}) AS n FROM d",
        chain("s", 64),
        chain("s", 64),
        chain("s", 64),
        chain("s", 130)
    );
    let squares = "SELECT length(replace(y, 'a', y)) FROM (SELECT replace(x, 'a', x) AS y FROM (SELECT repeat('ab', 100) AS x) t) u";
    // 8 bytes that print as 131,072 digits, copied 300 times (about 6.7 GB in one row).
    let digits = format!(
        "WITH a AS (SELECT CAST('9e131071' AS numeric)::text AS t) SELECT length({}) FROM a",
        chain("t", 300)
    );
    for sql in [attack.as_str(), squares, digits.as_str()] {
        let r = call(&client, "query", json!({ "sql": sql })).await;
        assert_refused(&r, "policy_denied", "too large for the database's memory");
    }
    // Nothing ran: the cluster was not restarted, and the same session still answers.
    assert_eq!(
        cluster.query_text(&db, "SELECT pg_postmaster_start_time()::text"),
        started
    );
    let r = call(
        &client,
        "query",
        json!({ "sql": "SELECT status, string_agg(DISTINCT region, ', ') AS regions, json_build_object('n', count(*), 'first', min(id), 'ids', (array_agg(id ORDER BY id))[1:3]) AS summary, status || ' (' || count(*) || ')' AS label FROM orders GROUP BY status ORDER BY status" }),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    let got = rows(&r);
    assert!(!got.is_empty(), "{}", text(&r));
    assert_eq!(got[0][1], json!("north"), "{}", text(&r));
    assert_eq!(got[0][3], json!("cancelled (43)"), "{}", text(&r));
    let r = call(
        &client,
        "query",
        json!({ "sql": "SELECT round(exp(avg(ln(unit_price))), 2)::text AS geometric_mean, (9e3 + 0.5)::text AS x FROM order_lines" }),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert_eq!(rows(&r)[0][1], json!("9000.5"), "{}", text(&r));
    client.cancel().await.expect("close");
}

/// A computed count or width (a text bar chart, an indented hierarchy) runs, checked when the
/// statement runs: over the bound, the statement fails with the reason before it builds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn computed_counts_and_widths_are_checked_when_the_statement_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (client, _db) = analyst(dir.path()).await;
    let r = call(
        &client,
        "query",
        json!({ "sql": "SELECT status, repeat('#', (count(*) / 50)::int) AS bar, count(*) AS n FROM orders GROUP BY status ORDER BY status" }),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    for row in rows(&r) {
        let n = row[2].as_i64().expect("count");
        assert_eq!(row[1], json!("#".repeat((n / 50) as usize)), "{}", text(&r));
    }
    let r = call(
        &client,
        "query",
        json!({ "sql": "WITH RECURSIVE t(n, lvl) AS (SELECT 1, 0 UNION ALL SELECT n + 1, lvl + 1 FROM t WHERE n < 3) SELECT repeat('  ', lvl) || n AS line, lpad(n::text, lvl + 2, '0') AS padded FROM t ORDER BY n" }),
    )
    .await;
    assert_eq!(error_code(&r), None, "{}", text(&r));
    assert_eq!(
        rows(&r),
        vec![
            json!(["1", "01"]),
            json!(["  2", "002"]),
            json!(["    3", "0003"])
        ],
        "{}",
        text(&r)
    );
    let r = call(
        &client,
        "query",
        json!({ "sql": "SELECT repeat('x', (count(*))::int) FROM orders" }),
    )
    .await;
    assert_refused(
        &r,
        "database_error",
        "repeat(...) was given a count or width over 100",
    );
    client.cancel().await.expect("close");
}

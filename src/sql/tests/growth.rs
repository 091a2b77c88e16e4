//! What one row may build (`analyze::growth`): values that compound past the database's memory
//! are refused before they run; the sizes analytics use pass.

use super::*;

#[track_caller]
fn assert_too_large(dialect: Dialect, sql: &str, params: &[serde_json::Value]) -> String {
    match run_as_with("analyst", dialect, sql, params) {
        Err(GovernError::Denied(d)) => {
            assert_eq!(d.rule, Rule::FunctionNotAllowed, "{sql}: {}", d.message);
            assert!(
                d.message.contains("too large for the database's memory"),
                "{sql}: {}",
                d.message
            );
            d.message
        }
        other => panic!("{sql}: expected a denial, got {other:?}"),
    }
}

/// `s || s || ...`, `n` times.
fn chain(term: &str, n: usize) -> String {
    vec![term; n].join(" || ")
}

#[test]
fn values_compounding_through_levels_are_refused() {
    // The red-team statement: three CTE levels of 64 concatenations made 6 MB, which a
    // chain of 130 then copied into 13 GB of one backend (the kernel killed it).
    let levels = format!(
        "WITH a AS (SELECT repeat('ab', 50) AS s), b AS (SELECT {} AS s FROM a), c AS (SELECT {} AS s FROM b), d AS (SELECT {} AS s FROM c) SELECT length({}) FROM d",
        chain("s", 64),
        chain("s", 64),
        chain("s", 64),
        chain("s", 130)
    );
    for dialect in [PG, LITE] {
        let message = assert_too_large(dialect, &levels, &[]);
        assert!(message.contains("from its literals"), "{message}");
        // The same through `SELECT *`, a renamed derived table and a scalar subquery.
        let hidden = format!(
            "WITH a AS (SELECT repeat('ab', 100) AS s), b AS (SELECT * FROM a), c AS (SELECT {} AS s FROM b), d AS (SELECT {} AS z FROM (SELECT * FROM c) AS t(x)) SELECT (SELECT length({}) FROM d)",
            chain("s", 64),
            chain("x", 64),
            chain("z", 32)
        );
        let message = assert_too_large(dialect, &hidden, &[]);
        assert!(message.contains("from its literals"), "{message}");
        // Replacing each character by the whole value squares it, level by level.
        assert_too_large(
            dialect,
            "SELECT length(replace(y, 'a', y)) FROM (SELECT replace(x, 'a', x) AS y FROM (SELECT repeat('ab', 100) AS x) t) u",
            &[],
        );
        assert_too_large(
            dialect,
            "SELECT replace(replace(replace(repeat('a', 100), 'a', repeat('a', 100)), 'a', repeat('a', 100)), 'a', repeat('a', 100))",
            &[],
        );
        // A chain over a parameter: each step copies everything before it.
        let message = assert_too_large(
            dialect,
            &format!("SELECT length({})", chain("$1", 50)),
            &[serde_json::json!("x")],
        );
        assert!(message.contains("concat("), "{message}");
    }
    // Copies of an aggregate (up to 1 GB each, after the timeout-bounded aggregation).
    assert_too_large(
        PG,
        &format!(
            "SELECT length({}) FROM (SELECT string_agg(status, ',') AS x FROM orders) q",
            chain("x", 20)
        ),
        &[],
    );
    // A recursive CTE's column that doubles each round, then copied again and again.
    assert_too_large(
        PG,
        &format!(
            "WITH RECURSIVE r(s, n) AS (SELECT 'ab'::text, 1 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 40) SELECT length({}) FROM r",
            chain("s", 20)
        ),
        &[],
    );
}

#[test]
fn values_analytics_builds_are_allowed() {
    for dialect in [PG, LITE] {
        for sql in [
            "SELECT name || ' <' || email || '>' AS contact, region || '/' || id AS code FROM customers",
            "SELECT region, group_concat(name, ', '), count(*) FROM customers GROUP BY region",
            "WITH RECURSIVE t(n, path) AS (SELECT 1, 'a' UNION ALL SELECT n + 1, path || '/' || n FROM t WHERE n < 10) SELECT n, path, path || '!' FROM t",
            "WITH a AS (SELECT name || ' ' || email AS who FROM customers), b AS (SELECT who || ' (' || length(who) || ')' AS label FROM a) SELECT upper(label), replace(label, ' ', '_') FROM b",
        ] {
            let sql = if dialect == PG {
                sql.replace("group_concat(", "string_agg(")
            } else {
                sql.to_string()
            };
            assert_allowed(dialect, &sql);
        }
    }
    for sql in [
        "SELECT json_build_object('region', region, 'names', json_agg(name ORDER BY name), 'ids', array_agg(id)) FROM customers GROUP BY region",
        "SELECT concat_ws(', ', name, email, region), format('%s (%s)', name, email), lpad(id::text, 8, '0'), repeat('*', 5) FROM customers",
        "SELECT region, string_agg(DISTINCT status, ', '), array_to_string(array_agg(id), ',') FROM orders GROUP BY region",
    ] {
        assert_allowed(PG, sql);
    }
    // Nested JSON built of several aggregates: each aggregate once, each built object once.
    let objects: Vec<String> = (0..6)
        .map(|i| {
            format!("json_build_object('k{i}', json_agg(id ORDER BY id), 'n', count(*)) AS o{i}")
        })
        .collect();
    assert_allowed(
        PG,
        &format!(
            "SELECT region, {} FROM orders GROUP BY region",
            objects.join(", ")
        ),
    );
    let many = |n: usize| {
        let aggs: Vec<String> = (0..n)
            .map(|i| format!("string_agg(status, '{i}')"))
            .collect();
        format!("SELECT {} FROM orders", aggs.join(", "))
    };
    assert_allowed(PG, &many(64));
    let message = assert_too_large(PG, &many(65), &[]);
    assert!(message.contains("aggregates that collect"), "{message}");
    // A long chain of stored values is fine: they are the data's size, copied a few hundred
    // times at most.
    let columns = ["name", "email", "region"].repeat(8).join(" || ', ' || ");
    assert_allowed(PG, &format!("SELECT {columns} FROM customers"));
}

#[test]
fn values_hidden_behind_stored_tables_and_operators_are_counted() {
    // A CTE column read inside a subquery over a stored table (whose columns are not listed)
    // is still the CTE's value (red-team finding: counted as one stored value).
    let mut ctes = vec!["l0 AS MATERIALIZED (SELECT repeat('x', 100) AS v)".to_string()];
    for i in 1..=20 {
        ctes.push(format!(
            "l{i} AS MATERIALIZED (SELECT (SELECT v || v FROM customers LIMIT 1) AS v FROM l{})",
            i - 1
        ));
    }
    let correlated = format!(
        "WITH {} SELECT octet_length(v || 'a') FROM l20",
        ctes.join(", ")
    );
    let message = assert_too_large(PG, &correlated, &[]);
    assert!(message.contains("from its literals"), "{message}");
    let lateral = "SELECT length(z.w) FROM (SELECT repeat('ab', 100) AS v) a, LATERAL (SELECT replace(v, 'a', v) AS y FROM customers LIMIT 1) y, LATERAL (SELECT replace(y, 'a', y) AS w FROM customers LIMIT 1) z";
    assert_too_large(PG, lateral, &[]);
    // Operators that make a value of both sides: tsquery `&&`, jsonb `-`.
    let mut levels = vec!["l0 AS (SELECT to_tsquery('simple', 'abcdefgh') AS q)".to_string()];
    for i in 1..=26 {
        levels.push(format!("l{i} AS (SELECT q && q AS q FROM l{})", i - 1));
    }
    assert_too_large(
        PG,
        &format!("WITH {} SELECT numnode(q) FROM l26", levels.join(", ")),
        &[],
    );
    assert_too_large(
        PG,
        &format!(
            "WITH a AS (SELECT jsonb_agg(status) AS j FROM orders) SELECT octet_length((j{})::text) FROM a",
            " - 'a'".repeat(40)
        ),
        &[],
    );
    // A part of a builder around an aggregate may be the whole aggregate: twenty copies of
    // it are twenty aggregates' worth (red-team finding: 1,600 of them were allowed as one
    // stored value each).
    let parts = vec!["j->0"; 20].join(", ");
    let message = assert_too_large(
        PG,
        &format!(
            "WITH g AS (SELECT jsonb_build_array(jsonb_agg(l)) AS j FROM order_lines l) SELECT {parts} FROM g"
        ),
        &[],
    );
    assert!(message.contains("grows with the rows"), "{message}");
    // JSON path subscript lists multiply.
    let path = "[0,0,0,0,0,0,0,0,0,0]".repeat(8);
    assert_too_large(
        PG,
        &format!("SELECT jsonb_path_query_array('\"x\"', 'lax ${path}')"),
        &[],
    );
    assert_allowed(
        PG,
        "SELECT jsonb_path_query_array('[1,2,3]', '$[0,1]'), '{\"a\":1}'::jsonb - 'a', to_tsquery('simple', 'a') && to_tsquery('simple', 'b')",
    );
}

#[test]
fn select_lists_stop_at_postgresqls_column_limit() {
    // `SELECT *` over a CTE joined to itself doubles its columns per level: 24 levels were
    // 2^24 names and 3.7 GB in governance alone (red-team finding).
    let mut ctes = vec!["c0 AS (SELECT 1 AS a)".to_string()];
    for i in 1..=30 {
        ctes.push(format!(
            "c{i} AS (SELECT * FROM c{} p, c{} q)",
            i - 1,
            i - 1
        ));
    }
    let sql = format!("WITH {} SELECT 1 FROM c30", ctes.join(", "));
    let started = std::time::Instant::now();
    match run(PG, &sql) {
        Err(GovernError::Denied(d)) => {
            assert_eq!(d.rule, Rule::UnsupportedSyntax, "{}", d.message);
            assert!(d.message.contains("at most 1664 columns"), "{}", d.message);
        }
        other => panic!("expected a denial, got {other:?}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let wide: Vec<String> = (0..1600).map(|i| format!("1 AS c{i}")).collect();
    assert_allowed(PG, &format!("SELECT * FROM (SELECT {}) t", wide.join(", ")));
}

/// Governance itself stays linear: nested recursive CTEs were walked twice per level (22
/// levels, 1.3 KB, took 25 s), and unqualified names were looked up in every column of every
/// FROM item (a 1,600-column CTE referenced 1,000 times, 25 KB: 41 s); each reference also
/// copied the CTE's column names (400 MB for 4,000 references). Red-team findings.
#[test]
fn governing_large_statements_stays_linear() {
    let mut nested = "SELECT 1".to_string();
    for _ in 0..20 {
        nested = format!("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL ({nested})) SELECT n FROM r");
    }
    let started = std::time::Instant::now();
    let _ = run(PG, &nested);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let columns: Vec<String> = (0..1600).map(|i| format!("1 c{i}")).collect();
    let refs: Vec<String> = (0..3000).map(|i| format!("w a{i}")).collect();
    let wide = format!(
        "WITH w AS (SELECT {}) SELECT count(*) FROM customers, {} WHERE 1 IN ({})",
        columns.join(","),
        refs.join(","),
        vec!["id"; 2000].join(",")
    );
    let started = std::time::Instant::now();
    assert_allowed(PG, &wide);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// Reports an analyst writes (a sweep of 192 of them, red-team round 3): JSON:API payloads of
/// nested builders, word-replacement chains, formats of many values, dashboards of many
/// aggregates, the latest-value idiom. A JSON value embedded in another is not escaped again;
/// `replace` grows by its replacement per searched text, not per character.
#[test]
fn reports_of_nested_json_and_many_aggregates_are_allowed() {
    for sql in [
        "SELECT json_build_object('data', json_agg(json_build_object('type', 'order', 'id', o.id, 'attributes', json_build_object('status', o.status, 'region', o.region), 'relationships', json_build_object('customer', json_build_object('data', json_build_object('type', 'customer', 'id', o.customer_id)))))) FROM (SELECT * FROM orders ORDER BY id LIMIT 25) o",
        "SELECT jsonb_pretty(jsonb_build_object('name', c.name, 'city', c.city, 'email', c.email)) FROM customers c",
        "SELECT replace(replace(replace(replace(region, 'north', 'Northern Territory'), 'south', 'Southern Region'), 'east', 'Eastern Seaboard'), 'west', 'Western Frontier') FROM customers",
        "SELECT regexp_replace(regexp_replace(regexp_replace(name, '\\bSr\\.?\\b', 'Senior', 'gi'), '\\bJr\\.?\\b', 'Junior', 'gi'), '\\s+', ' ', 'g') FROM customers",
    ] {
        assert_allowed(PG, sql);
    }
    let specs = vec!["%s"; 33].join(" ");
    let values = vec!["name"; 33].join(", ");
    assert_allowed(
        PG,
        &format!("SELECT format('{specs}', {values}) FROM customers"),
    );
    let latest: Vec<String> = (0..12)
        .map(|i| {
            format!(
                "(array_agg(status ORDER BY ordered_at DESC))[{}] AS s{i}",
                i + 1
            )
        })
        .collect();
    assert_allowed(
        PG,
        &format!(
            "SELECT customer_id, {} FROM orders GROUP BY customer_id",
            latest.join(", ")
        ),
    );
    let pivot: Vec<String> = (1..=12)
        .flat_map(|m| {
            ["status", "region", "id::text"].map(|c| {
                format!("string_agg({c}, ',') FILTER (WHERE extract(month FROM ordered_at) = {m}) AS m{m}_{}", c.len())
            })
        })
        .collect();
    assert_allowed(
        PG,
        &format!(
            "SELECT customer_id, {} FROM orders GROUP BY customer_id",
            pivot.join(", ")
        ),
    );
}

/// A parameter is as large as the caller makes it (up to the request's 4 MiB), so its copies
/// are counted apart; an aggregate's literal bytes add up over its rows.
#[test]
fn parameters_and_aggregated_literals_are_bounded() {
    let x = [serde_json::json!("x")];
    assert!(run_as_with("analyst", PG, &format!("SELECT {}", chain("$1", 12)), &x).is_ok());
    let message = assert_too_large(PG, &format!("SELECT {}", chain("$1", 20)), &x);
    assert!(message.contains("its parameters"), "{message}");
    let wide = format!(
        "WITH a AS (SELECT concat(w, w, w, w) AS v FROM (SELECT repeat('{}', 100) AS w) z) SELECT {} FROM a, generate_series(1, 100000) g",
        "x".repeat(3000),
        (0..32)
            .map(|i| format!("length(string_agg(v, '{i}'))"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let message = assert_too_large(PG, &wide, &[]);
    assert!(message.contains("from its literals"), "{message}");
    assert_allowed(
        PG,
        "SELECT string_agg(repeat('-', 20) || status, '; ') FROM orders",
    );
}

/// Red-team round 5: a `numeric` prints up to 131,072 digits from a few bytes (`9e131071`, a
/// power, a text put together and read as a number or JSON); a JSON path's `**` copies every
/// level of its value; a regular expression copies its match per capture group; splitting a
/// string costs tens of bytes per character. Each was allowed and measured in hundreds of MB
/// to GBs of one backend.
#[test]
fn numbers_paths_and_matches_that_outgrow_their_text_are_counted() {
    let t300 = chain("t", 300);
    for value in [
        "CAST('9e131071' AS numeric)::text",
        "9e131071::text",
        "(10::numeric ^ 131071)::text",
        "power(10::numeric, 131071)::text",
        "exp(301000::numeric)::text",
        "abs(-9e131071)::text",
        "('9e' || '131071')::numeric::text",
        "concat('9e', 131071)::numeric::text",
        "('[9e' || '131071]')::jsonb::text",
        "'[9e131071]'::jsonb::text",
        "(U&'9\\0065131071'::numeric)::text",
        "U&'[9\\0065131071]'::jsonb::text",
    ] {
        assert_too_large(
            PG,
            &format!("WITH a AS (SELECT {value} AS t) SELECT length({t300}) FROM a"),
            &[],
        );
    }
    // Squared 16 times in a recursive CTE: 65,536 digits, a growing value.
    assert_too_large(
        PG,
        &format!(
            "WITH RECURSIVE s(n, i) AS (SELECT 2::numeric, 0 UNION ALL SELECT n * n, i + 1 FROM s WHERE i < 16) SELECT length({t300}) FROM (SELECT n::text AS t FROM s) x"
        ),
        &[],
    );
    let deep = format!(
        "({} || '1' || {})::jsonb",
        chain("repeat('[[[[[[[[[[', 100)", 2),
        chain("repeat(']]]]]]]]]]', 100)", 2)
    );
    assert_too_large(
        PG,
        &format!("SELECT jsonb_path_query_array({deep}, '$.**')"),
        &[],
    );
    let text = format!("repeat('{}', 100)", "x".repeat(10_000));
    let groups = format!("{}(.*){}", "(".repeat(300), ")".repeat(300));
    assert_too_large(
        PG,
        &format!("SELECT cardinality(regexp_match({text}, '{groups}'))"),
        &[],
    );
    assert_too_large(
        PG,
        &format!(
            "SELECT cardinality(regexp_split_to_array({text}, '')), cardinality(string_to_array({text}, NULL))"
        ),
        &[],
    );
    // Full-text search parses a word record per token first: about 42 bytes a character.
    let words = format!("repeat('{}', 100)", "a ".repeat(500));
    assert_too_large(
        PG,
        &format!(
            "WITH a AS (SELECT {} AS z) SELECT length(to_tsvector('simple', z)) FROM a",
            chain(&words, 20)
        ),
        &[],
    );
    assert_allowed(
        PG,
        "SELECT name, ts_rank(to_tsvector('english', name || ' ' || city), plainto_tsquery('english', 'north coffee')) AS rank FROM customers WHERE to_tsvector('english', name || ' ' || city) @@ websearch_to_tsquery('english', 'coffee -tea') ORDER BY rank DESC",
    );
    // What reports do with numbers passes: percentages cast to numeric and rounded inside
    // JSON payloads, geometric means, squares, compound growth, exponents in literals.
    for sql in [
        "SELECT json_agg(json_build_object('status', status, 'share', round(CAST(n AS numeric) * 100 / total, 1))) FROM (SELECT status, count(*) AS n, sum(count(*)) OVER () AS total FROM orders GROUP BY status) s",
        "SELECT order_id, exp(avg(ln(unit_price))) AS geometric_mean, sum(power(unit_price, 2)) AS squares, stddev(quantity * unit_price) FROM order_lines GROUP BY order_id",
        "SELECT order_id, round(sum(quantity * unit_price) / 1e6, 2) AS millions, sum(unit_price) * power(1.05, 3) AS grown, (sum(unit_price) ^ 2)::text || ' EUR' FROM order_lines GROUP BY order_id",
        "WITH RECURSIVE y(n, amount) AS (SELECT 0, 100.0::numeric UNION ALL SELECT n + 1, amount * 1.05 FROM y WHERE n < 30) SELECT string_agg(n || ': ' || round(amount, 2), ', ') FROM y",
        "SELECT array_agg(CAST(unit_price AS numeric(12, 2)) ORDER BY order_id), jsonb_agg(to_jsonb(round(unit_price::numeric, 2))) FROM order_lines",
        "SELECT regexp_match(name, '^(\\w+)\\s+(\\w+)$'), string_to_array(city, ' ') FROM customers",
        "WITH c AS (SELECT split_part(name, ' ', 2) AS part, lower(city) AS city FROM customers) SELECT json_agg(json_build_object('n', CAST(length(part) AS numeric), 'c', city)), array_agg(CAST(nullif(regexp_replace(part, '[^0-9]', '', 'g'), '') AS numeric(20, 0))) FROM c",
    ] {
        assert_allowed(PG, sql);
    }
}

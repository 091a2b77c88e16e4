//! Bounds on what inlining and parse analysis may multiply (see the parent module).

use super::*;

fn bounded(sql: &str) -> String {
    let mut st = crate::sql::parse::parse(sql, Dialect::Postgres, 100_000).expect("parses");
    bound(&mut st, Dialect::Postgres).expect("not refused");
    st.to_string()
}

fn refused(sql: &str) -> bool {
    let mut st = crate::sql::parse::parse(sql, Dialect::Postgres, 100_000).expect("parses");
    bound(&mut st, Dialect::Postgres).is_err()
}

#[test]
fn between_and_in_that_copy_their_left_side_into_millions_are_refused() {
    let mut between = "id".to_string();
    for _ in 0..21 {
        between = format!("({between} BETWEEN 0 AND 1)::int");
    }
    assert!(refused(&format!(
        "SELECT count(*) FROM t WHERE {between} = 1"
    )));
    let mut within = "id".to_string();
    for _ in 0..10 {
        within = format!("({within} BETWEEN 0 AND 1)::int");
    }
    assert!(!refused(&format!(
        "SELECT count(*) FROM t WHERE {within} = 1"
    )));
    let mut inlist = "id".to_string();
    for _ in 0..10 {
        inlist = format!("({inlist}::int IN (id, id, id, id))::int");
    }
    assert!(refused(&format!(
        "SELECT count(*) FROM t WHERE {inlist} = 1"
    )));
    // Constants are one test, however many.
    let constants = (0..5000)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    assert!(!refused(&format!(
        "SELECT count(*) FROM t WHERE id IN ({constants}) AND d BETWEEN a AND b"
    )));
}

#[test]
fn lateral_chains_and_heavy_outer_expressions_fence_every_inlinable_query() {
    let mut sql = "SELECT count(*) FROM (SELECT id::numeric AS s FROM t) a0".to_string();
    for i in 1..=9 {
        sql.push_str(&format!(
            ", LATERAL (SELECT a{p}.s + a{p}.s + a{p}.s + a{p}.s AS s) a{i}",
            p = i - 1
        ));
    }
    // (a LATERAL item sees the ones before it: a7 would copy a0 4^7 times)
    let out = bounded(&sql);
    assert!(out.contains("AS s OFFSET 0) a7"), "{out}");
    assert!(!out.contains("AS s OFFSET 0) a6"), "{out}");
    // Six levels weigh 4096, under the bound; forty references to them in a WHERE are not.
    let mut sql = chain(6, 4);
    sql = sql.replace(
        "SELECT s FROM c6",
        &format!(
            "SELECT count(*) FROM c6 WHERE {} > 0",
            vec!["s"; 40].join("+")
        ),
    );
    let out = bounded(&sql);
    assert_eq!(out.matches("OFFSET 0").count(), 7, "{out}");
}

fn chain(levels: usize, refs: usize) -> String {
    let mut sql = "WITH c0 AS (SELECT 1::numeric AS s)".to_string();
    let sum = vec!["s"; refs].join("+");
    for i in 1..=levels {
        sql.push_str(&format!(", c{i} AS (SELECT {sum} AS s FROM c{})", i - 1));
    }
    sql.push_str(&format!(" SELECT s FROM c{levels}"));
    sql
}

#[test]
fn a_chain_that_multiplies_is_fenced_where_it_passes_the_bound() {
    let out = bounded(&chain(10, 4));
    // 4^6 = 4096 is left inlinable; c7 would make 16384 copies, so it is planned once.
    assert_eq!(out.matches("OFFSET 0").count(), 1, "{out}");
    assert!(out.contains("FROM c6 OFFSET 0)"), "{out}");
    // Derived tables alike.
    let mut sql = "SELECT 1 AS s".to_string();
    for _ in 0..8 {
        sql = format!("SELECT s+s+s+s+s AS s FROM ({sql}) t");
    }
    let out = bounded(&sql);
    assert!(out.contains("OFFSET 0"), "{out}");
}

/// A copy of a scalar subquery is planned again: about 17 KB each, so twelve levels of
/// `(SELECT v + v FROM t LIMIT 1)` took 280 MB of planning (red-team finding), and a
/// fence only every 10,000 copies let each segment of a longer chain do it again.
#[test]
fn copies_of_subqueries_weigh_as_much_as_they_cost_to_plan() {
    let mut ctes = vec!["l0 AS (SELECT 1 AS v)".to_string()];
    for i in 1..=30 {
        ctes.push(format!(
            "l{i} AS (SELECT (SELECT v + v FROM t LIMIT 1) AS v FROM l{})",
            i - 1
        ));
    }
    let out = bounded(&format!("WITH {} SELECT v FROM l30", ctes.join(", ")));
    assert!(out.matches("OFFSET 0").count() >= 15, "{out}");
    // One scalar subquery read once is still inlined.
    let sql = "WITH a AS (SELECT (SELECT max(x) FROM t) AS m) SELECT m FROM a";
    assert!(!bounded(sql).contains("OFFSET 0"), "{sql}");
}

/// Inlined, a whole-row reference (`x`, `to_jsonb(x)`, `row(x.*)`) is a row of every
/// column's expression: eight levels of four columns took 1.4 GB of planning. Sort and
/// group keys cost the planner far more per copy than a select list: eight references
/// in an ORDER BY to a chain just under the bound took 967 MB (red-team findings).
#[test]
fn whole_rows_and_sort_keys_over_inlined_chains_are_fenced() {
    let mut sql = "SELECT id AS c0, id AS c1, id AS c2, id AS c3 FROM t".to_string();
    for _ in 0..8 {
        sql = format!(
            "SELECT length(x::text) + 0 AS c0, length(x::text) + 1 AS c1, length(x::text) + 2 AS c2, length(x::text) + 3 AS c3 FROM ({sql}) x"
        );
    }
    let out = bounded(&format!("SELECT count(c0) FROM ({sql}) y"));
    assert!(out.matches("OFFSET 0").count() >= 8, "{out}");
    for tail in [
        "ORDER BY s+s+s+s+s+s+s+s",
        "WINDOW w AS (ORDER BY s+s+s+s+s+s+s+s)",
        "GROUP BY s+s+s+s+s+s+s+s",
    ] {
        let mut ctes = vec!["l0 AS (SELECT id::numeric AS s FROM t)".to_string()];
        for i in 1..=6 {
            ctes.push(format!("l{i} AS (SELECT s+s+s+s AS s FROM l{})", i - 1));
        }
        ctes.push("l7 AS (SELECT s+s AS s FROM l6)".to_string());
        let sql = format!("WITH {} SELECT 1 FROM l7 {tail}", ctes.join(", "));
        assert!(bounded(&sql).contains("OFFSET 0"), "{sql}");
    }
    let sql = "SELECT to_jsonb(o) FROM (SELECT id, amount FROM t) o ORDER BY id";
    assert!(bounded(sql).contains("OFFSET 0"), "{sql}");
}

/// PostgreSQL plans grouping sets in a step the timeout does not interrupt: CUBE of 6 by
/// ROLLUP of 63 took 1.7 GB (red-team finding).
#[test]
fn grouping_sets_are_bounded_in_sets_times_keys() {
    let rollup: Vec<String> = (1..=255).map(|i| format!("id + {i}")).collect();
    let sql = format!(
        "SELECT count(*) FROM t GROUP BY CUBE(a, b, c, d), ROLLUP({})",
        rollup.join(", ")
    );
    assert!(refused(&sql), "{sql}");
    assert!(refused(
        "SELECT count(*) FROM t GROUP BY CUBE(a, b, c, d, e, f, g, h, i, j, k, l)"
    ));
    for sql in [
        "SELECT a, b, count(*) FROM t GROUP BY CUBE(a, b, c)",
        "SELECT a, count(*) FROM t GROUP BY ROLLUP(a, b, c), CUBE(d, e)",
        "SELECT a, count(*) FROM t GROUP BY GROUPING SETS ((a, b), (a), ())",
    ] {
        assert!(!refused(sql), "{sql}");
    }
}

#[test]
fn ordinary_queries_are_left_alone() {
    for sql in [
        "WITH a AS (SELECT id, amount * 2 AS x FROM t), b AS (SELECT id, x + x AS y FROM a) SELECT y * y FROM b",
        &chain(5, 3),
        "SELECT * FROM (SELECT a + b + c + d AS s FROM t) x WHERE s > 1",
        "WITH m AS (SELECT date_trunc('month', d) AS m, sum(v) AS v FROM t GROUP BY 1) SELECT m, v, v - lag(v) OVER (ORDER BY m) FROM m",
    ] {
        assert!(!bounded(sql).contains("OFFSET 0"), "{sql}");
    }
    // Grouped or limited queries are not inlined: they multiply nothing.
    let mut sql = "SELECT 1 AS s".to_string();
    for _ in 0..8 {
        sql = format!("SELECT s+s+s+s+s AS s FROM ({sql}) t GROUP BY s");
    }
    assert!(!bounded(&sql).contains("OFFSET 0"), "{sql}");
}

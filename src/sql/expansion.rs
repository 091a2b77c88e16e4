//! Expressions that multiply when the planner inlines a query into the one that reads it.
//!
//! PostgreSQL inlines a CTE read once, and both databases pull a simple derived table up into
//! its reader, replacing each reference to one of its columns with that column's expression.
//! A chain of such queries whose columns each name the one below several times grows as a
//! power: `c1 AS (SELECT s+s+s+s AS s FROM c0)`, ten levels deep, is a 425-byte statement whose
//! inlined tree has 4^10 nodes, and planning it took PostgreSQL 2-4 GB and ten seconds, during
//! which it does not look at the statement timeout.
//!
//! Each query gets a weight: how many times its widest output column would copy the queries
//! below it once inlined (a query that is not inlined, because it groups, is DISTINCT or has a
//! LIMIT or OFFSET, weighs 1). A CTE or derived table that would weigh more than
//! [`MAX_EXPANSION`] is fenced (`OFFSET 0`, as the row-filter barrier does), so it is planned
//! once and read, never inlined; nothing else changes, and ordinary queries are far below the
//! bound.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, GroupByExpr, Query, SelectItem, SetExpr, Statement, TableFactor, VisitMut, VisitorMut,
};

use super::Dialect;

/// The most copies of the queries below one that inlining may make.
pub(crate) const MAX_EXPANSION: u64 = 10_000;

/// Fence every CTE and derived table of `statement` that would weigh over [`MAX_EXPANSION`].
pub(crate) fn bound(statement: &mut Statement, dialect: Dialect) {
    let mut weigher = Weigher {
        dialect,
        ctes: Vec::new(),
    };
    let _ = statement.visit(&mut weigher);
}

struct Weigher {
    dialect: Dialect,
    /// CTE names and weights seen so far (scoping ignored: a name's largest weight counts).
    ctes: Vec<(String, u64)>,
}

impl VisitorMut for Weigher {
    type Break = ();

    /// Every query of the statement, scalar subqueries included, is weighed as a root too (a
    /// query already fenced weighs 1, so weighing twice changes nothing).
    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.query(query);
        ControlFlow::Continue(())
    }
}

impl Weigher {
    fn query(&mut self, q: &mut Query) -> u64 {
        if let Some(with) = &mut q.with {
            for cte in &mut with.cte_tables {
                let w = self.inlined(&mut cte.query);
                let name = cte.alias.name.value.to_lowercase();
                self.ctes.push((name, w));
            }
        }
        if q.limit_clause.is_some() || q.fetch.is_some() {
            return 1;
        }
        self.set_expr(&mut q.body)
    }

    /// The weight of a query the planner may inline; fenced when that is over the bound.
    fn inlined(&mut self, q: &mut Query) -> u64 {
        let w = self.query(q);
        if w > MAX_EXPANSION {
            super::analyze::barrier::fence(q, self.dialect);
            return 1;
        }
        w
    }

    fn set_expr(&mut self, body: &mut SetExpr) -> u64 {
        match body {
            SetExpr::Select(s) => {
                let mut widest = 1;
                for twj in &mut s.from {
                    widest = widest.max(self.factor(&mut twj.relation));
                    for j in &mut twj.joins {
                        widest = widest.max(self.factor(&mut j.relation));
                    }
                }
                let grouped = match &s.group_by {
                    GroupByExpr::Expressions(e, _) => !e.is_empty(),
                    GroupByExpr::All(_) => true,
                };
                if grouped || s.distinct.is_some() {
                    return 1;
                }
                s.projection
                    .iter()
                    .map(|item| match item {
                        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                            references(e).max(1).saturating_mul(widest)
                        }
                        _ => widest,
                    })
                    .max()
                    .unwrap_or(1)
            }
            SetExpr::Query(q) => self.query(q),
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left).max(self.set_expr(right))
            }
            _ => 1,
        }
    }

    fn factor(&mut self, tf: &mut TableFactor) -> u64 {
        match tf {
            TableFactor::Table { name, .. } => {
                let [part] = name.0.as_slice() else {
                    return 1;
                };
                let Some(ident) = part.as_ident() else {
                    return 1;
                };
                let key = ident.value.to_lowercase();
                self.ctes
                    .iter()
                    .filter(|(n, _)| *n == key)
                    .map(|(_, w)| *w)
                    .max()
                    .unwrap_or(1)
            }
            TableFactor::Derived { subquery, .. } => self.inlined(subquery),
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => {
                let mut w = self.factor(&mut table_with_joins.relation);
                for j in &mut table_with_joins.joins {
                    w = w.max(self.factor(&mut j.relation));
                }
                w
            }
            _ => 1,
        }
    }
}

/// Column references in `e` (subqueries' included: an upper bound is enough).
fn references(e: &Expr) -> u64 {
    let mut n: u64 = 0;
    let _ = sqlparser::ast::visit_expressions(e, |x| {
        if matches!(x, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
            n = n.saturating_add(1);
        }
        ControlFlow::<()>::Continue(())
    });
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounded(sql: &str) -> String {
        let mut st = crate::sql::parse::parse(sql, Dialect::Postgres, 100_000).expect("parses");
        bound(&mut st, Dialect::Postgres);
        st.to_string()
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
}

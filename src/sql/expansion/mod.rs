//! Expressions that multiply before the database even plans them.
//!
//! Two ways a statement of a few hundred bytes became gigabytes of PostgreSQL memory, in work
//! that does not look at the statement timeout:
//! - **Inlining.** PostgreSQL inlines a CTE read once, and both databases pull a simple derived
//!   table up into its reader, replacing each reference to one of its columns with that
//!   column's expression. A chain of such queries whose columns each name the one below several
//!   times grows as a power: `c1 AS (SELECT s+s+s+s AS s FROM c0)`, ten levels deep, is a
//!   425-byte statement whose inlined tree has 4^10 nodes (planning took 2-4 GB and ten
//!   seconds). Each query gets a weight: how many copies of the queries below it its widest
//!   output column makes once inlined (a query that groups, is DISTINCT or has a LIMIT or
//!   OFFSET is not inlined and weighs 1; a LATERAL one also sees the items before it). A CTE or
//!   derived table over [`MAX_EXPANSION`] is fenced (`OFFSET 0`, as the row-filter barrier
//!   does), so it is planned once and read. Where the expressions of any one query would still
//!   hold more than ten times that of what they read (many references to a heavy CTE in a
//!   WHERE or the outermost select list, a LATERAL chain), every CTE and derived table of the
//!   statement is fenced.
//! - **Parse analysis.** PostgreSQL turns `x BETWEEN a AND b` into `x >= a AND x <= b` and
//!   `x IN (a, b, c)` with non-constant items into `x = a OR x = b OR x = c`, copying `x`.
//!   Nested, they double (or more) per level: 21 levels of `(... BETWEEN 0 AND 1)::int` took
//!   2.8 GB. An expression whose copies would pass [`MAX_COPIES`] column references is refused.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, GroupByExpr, Join, JoinConstraint, Query, Select, SelectItem, SetExpr, Statement,
    TableFactor, Visit, VisitMut, Visitor, VisitorMut,
};

use super::{Denial, Dialect, Rule};

mod whole_rows;
use whole_rows::WholeRows;

/// The most copies of the queries below one that inlining may make.
pub(crate) const MAX_EXPANSION: u64 = 10_000;

/// The most copies of what they read the sort and group keys of one query (ORDER BY, GROUP BY,
/// DISTINCT ON, a named window) may hold; past it, every CTE and derived table is fenced.
const MAX_SORT_KEYS: u64 = MAX_EXPANSION;

/// The most grouping sets times grouping keys one GROUP BY may make: PostgreSQL plans them in
/// one step the timeout does not interrupt (CUBE of 6 by ROLLUP of 63, 4,096 sets of 69 keys,
/// took 1.7 GB and 8 s of planning; 128 sets of 33 keys, 24 MB).
const MAX_GROUPING_WORK: u64 = 8192;

/// What a column reference inside a subquery weighs, against one in a plain expression.
const SUBQUERY_WEIGHT: u64 = 100;

/// The most copies one query's own expressions may hold of what they read; past it, every
/// CTE and derived table of the statement is fenced.
const MAX_HEAVY: u64 = 10 * MAX_EXPANSION;

/// The most column references one expression may hold once BETWEEN and IN have copied their
/// left side.
pub(crate) const MAX_COPIES: u64 = 100_000;

/// Refuse an expression that multiplies in parse analysis; fence what would multiply when
/// inlined.
pub(crate) fn bound(statement: &mut Statement, dialect: Dialect) -> Result<(), Denial> {
    // One walk for the two refusals, whole-row references and what may be inlined at all.
    let mut survey = Survey {
        copies: Copies::default(),
        sets: GroupingSets::default(),
        whole_rows: WholeRows::new(dialect),
        inlinable: false,
        projections: false,
    };
    let _ = Visit::visit(&*statement, &mut survey);
    let copies = survey.copies;
    if copies.worst > MAX_COPIES {
        return Err(too_complex(format!(
            "BETWEEN and IN copy their left side, and nested they would make about {} copies (at most {MAX_COPIES}); write the nested tests once, in a CTE or with CASE",
            copies.worst
        )));
    }
    let sets = survey.sets;
    if sets.worst > MAX_GROUPING_WORK {
        return Err(too_complex(format!(
            "its GROUP BY makes {} grouping sets of {} keys (sets times keys at most {MAX_GROUPING_WORK}); group by fewer CUBE or ROLLUP items, or list the GROUPING SETS you need",
            sets.sets, sets.keys
        )));
    }
    // Only a CTE or derived table without a LIMIT, OFFSET or FETCH is inlined, and only such
    // a query is ever fenced below: without one, there is nothing to do. A whole row read
    // anywhere fences them all.
    if !survey.inlinable && !survey.projections {
        return Ok(());
    }
    if survey.whole_rows.found() {
        let _ = statement.visit(&mut FenceAll { dialect });
        return Ok(());
    }
    // Column picks alone multiply nothing (see `plain_projection`).
    if !survey.inlinable {
        return Ok(());
    }
    let mut weigher = Weigher {
        dialect,
        ctes: Vec::new(),
        heavy: false,
        widest: 1,
    };
    let _ = statement.visit(&mut weigher);
    if weigher.heavy {
        let _ = statement.visit(&mut FenceAll { dialect });
    }
    Ok(())
}

/// What [`bound`] learns in one walk of the statement.
struct Survey {
    copies: Copies,
    sets: GroupingSets,
    whole_rows: WholeRows,
    /// Whether some CTE or derived table may be inlined by the planner (has no LIMIT, OFFSET
    /// or FETCH) and is more than a [`plain_projection`].
    inlinable: bool,
    /// Whether some derived table that may be inlined is a [`plain_projection`].
    projections: bool,
}

impl Visitor for Survey {
    type Break = ();

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        self.whole_rows.expr(e);
        self.copies.pre_visit_expr(e)
    }

    fn post_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        self.copies.post_visit_expr(e)
    }

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        self.whole_rows.query(q);
        if let Some(with) = &q.with
            && with.cte_tables.iter().any(|c| unfenced(&c.query))
        {
            self.inlinable = true;
        }
        self.sets.pre_visit_query(q)
    }

    fn pre_visit_select(&mut self, s: &Select) -> ControlFlow<()> {
        self.whole_rows.select(s);
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &sqlparser::ast::ObjectName) -> ControlFlow<()> {
        self.whole_rows.relation(name);
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<()> {
        self.whole_rows.table_factor(tf);
        if let TableFactor::Derived {
            subquery, lateral, ..
        } = tf
            && unfenced(subquery)
        {
            if !*lateral && plain_projection(subquery) {
                self.projections = true;
            } else {
                self.inlinable = true;
            }
        }
        ControlFlow::Continue(())
    }
}

/// A query the planner may inline into its reader.
fn unfenced(q: &Query) -> bool {
    q.limit_clause.is_none() && q.fetch.is_none()
}

/// Whether `q` only picks columns of one table (`SELECT "a", COALESCE("b") AS "b" FROM t`, the
/// shape of a role's column-limited view of a table): inlined, each of its columns is one
/// column reference, so it multiplies nothing, and any query that could multiply it is a CTE
/// or derived table of its own, weighed in turn. (A CTE's name in its FROM counts as a table
/// here: the CTE itself makes the statement inlinable.) Only a whole-row reference to it
/// (`to_jsonb(x)`) fences it, as it fences everything.
fn plain_projection(q: &Query) -> bool {
    let SetExpr::Select(s) = q.body.as_ref() else {
        return false;
    };
    let [twj] = s.from.as_slice() else {
        return false;
    };
    let column = |e: &Expr| matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_));
    let picked = |e: &Expr| match e {
        Expr::Function(f) => match &f.args {
            sqlparser::ast::FunctionArguments::List(list) => {
                f.over.is_none()
                    && f.filter.is_none()
                    && matches!(list.args.as_slice(),
                        [sqlparser::ast::FunctionArg::Unnamed(
                            sqlparser::ast::FunctionArgExpr::Expr(a),
                        )] if column(a))
            }
            _ => false,
        },
        e => column(e),
    };
    q.with.is_none()
        && twj.joins.is_empty()
        && matches!(&twj.relation, TableFactor::Table { args: None, .. })
        && matches!(&s.group_by, GroupByExpr::Expressions(e, _) if e.is_empty())
        && s.having.is_none()
        && s.distinct.is_none()
        && s.projection.iter().all(|item| match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => picked(e),
            _ => false,
        })
}

/// A statement whose planning or parse analysis would multiply past a bound.
fn too_complex(why: String) -> Denial {
    Denial::new(
        Rule::UnsupportedSyntax,
        format!("this statement is too complex: {why}"),
    )
}

/// Column references per expression, BETWEEN and IN copies counted (see the module docs).
#[derive(Default)]
struct Copies {
    /// The counts of the sub-expressions visited so far and not yet folded into their parent.
    counts: Vec<u64>,
    /// Per expression being visited: where its direct sub-expressions' counts start.
    frames: Vec<usize>,
    worst: u64,
}

impl Visitor for Copies {
    type Break = ();

    fn pre_visit_expr(&mut self, _: &Expr) -> ControlFlow<()> {
        self.frames.push(self.counts.len());
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        let start = self.frames.pop().unwrap_or(0).min(self.counts.len());
        let children = &self.counts[start..];
        let sum = |c: &[u64]| c.iter().fold(0u64, |a, b| a.saturating_add(*b));
        let n = match e {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => 1,
            // (children in field order: the tested value first)
            Expr::Between { .. } => match children.split_first() {
                Some((x, rest)) => x.saturating_mul(2).saturating_add(sum(rest)),
                None => 0,
            },
            Expr::InList { list, .. } => {
                let constant = |e: &Expr| matches!(e, Expr::Value(_));
                let tests = list.iter().filter(|e| !constant(e)).count()
                    + usize::from(list.iter().any(constant));
                match children.split_first() {
                    Some((x, rest)) => x
                        .saturating_mul(tests.max(1) as u64)
                        .saturating_add(sum(rest)),
                    None => 0,
                }
            }
            _ => sum(children),
        };
        self.counts.truncate(start);
        self.worst = self.worst.max(n);
        self.counts.push(n);
        ControlFlow::Continue(())
    }
}

/// The largest GROUP BY of a statement, in grouping sets and keys once CUBE, ROLLUP and
/// GROUPING SETS are expanded.
#[derive(Default)]
struct GroupingSets {
    worst: u64,
    sets: u64,
    keys: u64,
}

impl Visitor for GroupingSets {
    type Break = ();

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        let mut selects = Vec::new();
        collect_selects(&q.body, &mut selects);
        for s in selects {
            if let GroupByExpr::Expressions(exprs, _) = &s.group_by {
                let sets = exprs
                    .iter()
                    .fold(1u64, |acc, e| acc.saturating_mul(grouping_sets(e)));
                let keys = exprs.iter().map(grouping_keys).sum::<u64>().max(1);
                let work = sets.saturating_mul(keys);
                if work > self.worst {
                    (self.worst, self.sets, self.keys) = (work, sets, keys);
                }
            }
        }
        ControlFlow::Continue(())
    }
}

fn collect_selects<'q>(body: &'q SetExpr, out: &mut Vec<&'q Select>) {
    match body {
        SetExpr::Select(s) => out.push(s),
        SetExpr::SetOperation { left, right, .. } => {
            collect_selects(left, out);
            collect_selects(right, out);
        }
        _ => {}
    }
}

/// How many grouping sets one GROUP BY item makes.
fn grouping_sets(e: &Expr) -> u64 {
    match e {
        Expr::Cube(items) => 1u64.checked_shl(items.len() as u32).unwrap_or(u64::MAX),
        Expr::Rollup(items) => items.len() as u64 + 1,
        Expr::GroupingSets(sets) => sets.iter().fold(0u64, |acc, set| {
            acc.saturating_add(
                set.iter()
                    .fold(1u64, |p, e| p.saturating_mul(grouping_sets(e))),
            )
        }),
        _ => 1,
    }
}

/// The expressions one GROUP BY item groups by.
fn grouping_keys(e: &Expr) -> u64 {
    match e {
        Expr::Cube(sets) | Expr::Rollup(sets) | Expr::GroupingSets(sets) => {
            sets.iter().flatten().map(grouping_keys).sum::<u64>()
        }
        _ => 1,
    }
}

struct Weigher {
    dialect: Dialect,
    /// CTE names and weights seen so far (scoping ignored: a name's largest weight counts).
    ctes: Vec<(String, u64)>,
    /// Whether some expression would still copy more than the bound allows once inlined.
    heavy: bool,
    /// What the FROM items of the SELECT weighed last weigh (its ORDER BY reads them).
    widest: u64,
}

impl VisitorMut for Weigher {
    type Break = ();

    /// Every query of the statement, scalar subqueries included, is weighed as a root too (a
    /// query already fenced weighs 1, so weighing twice changes nothing).
    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        self.query(query, 1);
        ControlFlow::Continue(())
    }
}

impl Weigher {
    /// The weight of `q`'s output, where the queries around it weigh `outer`.
    fn query(&mut self, q: &mut Query, outer: u64) -> u64 {
        if let Some(with) = &mut q.with {
            for cte in &mut with.cte_tables {
                let w = self.inlined(&mut cte.query, outer);
                let name = cte.alias.name.value.to_lowercase();
                self.ctes.push((name, w));
            }
        }
        let w = self.set_expr(&mut q.body, outer);
        if let Some(order_by) = &q.order_by
            && let sqlparser::ast::OrderByKind::Expressions(list) = &order_by.kind
        {
            let refs = list
                .iter()
                .fold(0u64, |acc, o| acc.max(references(&o.expr)));
            if refs.saturating_mul(w.max(self.widest)) > MAX_SORT_KEYS {
                self.heavy = true;
            }
        }
        if q.limit_clause.is_some() || q.fetch.is_some() {
            return 1;
        }
        w
    }

    /// The weight of a query the planner may inline; fenced when that is over the bound.
    fn inlined(&mut self, q: &mut Query, outer: u64) -> u64 {
        let w = self.query(q, outer);
        if w > MAX_EXPANSION {
            super::analyze::barrier::fence(q, self.dialect);
            return 1;
        }
        w
    }

    fn set_expr(&mut self, body: &mut SetExpr, outer: u64) -> u64 {
        match body {
            SetExpr::Select(s) => self.select(s, outer),
            SetExpr::Query(q) => self.query(q, outer),
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left, outer).max(self.set_expr(right, outer))
            }
            _ => 1,
        }
    }

    fn select(&mut self, s: &mut Select, outer: u64) -> u64 {
        // what the select's expressions read: its FROM items and, correlated, the queries
        // around it; a LATERAL item reads the items before it too
        let mut widest = outer;
        for twj in &mut s.from {
            widest = widest.max(self.factor(&mut twj.relation, widest, outer));
            for j in &mut twj.joins {
                widest = widest.max(self.factor(&mut j.relation, widest, outer));
            }
        }
        let mut output = 1;
        for item in &s.projection {
            let refs = match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    references(e).max(1)
                }
                _ => 1,
            };
            output = output.max(refs.saturating_mul(widest));
        }
        // every other clause copies what it reads too, though nothing reads it in turn
        let mut clauses = references_in(&s.selection);
        clauses = clauses.max(references_in(&s.having));
        for twj in &s.from {
            for j in &twj.joins {
                clauses = clauses.max(join_references(j));
            }
        }
        // Sort and group keys cost the planner far more per copy than a select list does
        // (eight references to a chain of weight 8,192 in an ORDER BY took 967 MB).
        let mut keys = 0;
        if let GroupByExpr::Expressions(exprs, _) = &s.group_by {
            for e in exprs {
                keys = keys.max(references(e));
            }
        }
        clauses = clauses.max(references_in(&s.qualify));
        if let Some(sqlparser::ast::Distinct::On(exprs)) = &s.distinct {
            for e in exprs {
                keys = keys.max(references(e));
            }
        }
        for window in &s.named_window {
            if let sqlparser::ast::NamedWindowExpr::WindowSpec(spec) = &window.1 {
                for e in spec
                    .partition_by
                    .iter()
                    .chain(spec.order_by.iter().map(|o| &o.expr))
                {
                    keys = keys.max(references(e));
                }
            }
        }
        if keys.saturating_mul(widest) > MAX_SORT_KEYS {
            self.heavy = true;
        }
        self.widest = widest;
        if output.max(clauses.saturating_mul(widest)) > MAX_HEAVY {
            self.heavy = true;
        }
        let grouped = match &s.group_by {
            GroupByExpr::Expressions(e, _) => !e.is_empty(),
            GroupByExpr::All(_) => true,
        };
        if grouped || s.distinct.is_some() {
            1
        } else {
            output
        }
    }

    /// A FROM item's weight; `before` is what the items before it weigh (a LATERAL item reads
    /// them), `outer` what the queries around the SELECT weigh.
    fn factor(&mut self, tf: &mut TableFactor, before: u64, outer: u64) -> u64 {
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
            TableFactor::Derived {
                lateral, subquery, ..
            } => self.inlined(subquery, if *lateral { before } else { outer }),
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => {
                let mut w = self.factor(&mut table_with_joins.relation, before, outer);
                for j in &mut table_with_joins.joins {
                    w = w.max(self.factor(&mut j.relation, before.max(w), outer));
                }
                w
            }
            _ => 1,
        }
    }
}

/// Every CTE and derived table planned once (`OFFSET 0`), for a statement whose expressions
/// would multiply however the weights are spread.
struct FenceAll {
    dialect: Dialect,
}

impl VisitorMut for FenceAll {
    type Break = ();

    fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
        if let Some(with) = &mut q.with {
            for cte in &mut with.cte_tables {
                fence_once(&mut cte.query, self.dialect);
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, tf: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::Derived { subquery, .. } = tf {
            fence_once(subquery, self.dialect);
        }
        ControlFlow::Continue(())
    }
}

fn fence_once(q: &mut Query, dialect: Dialect) {
    if unfenced(q) {
        super::analyze::barrier::fence(q, dialect);
    }
}

fn references_in(e: &Option<Expr>) -> u64 {
    e.as_ref().map_or(0, references)
}

fn join_references(j: &Join) -> u64 {
    match join_constraint!(&j.join_operator) {
        Some(JoinConstraint::On(e)) => references(e),
        _ => 0,
    }
}

/// Column references in `e` (subqueries' included: an upper bound is enough). A reference
/// inside a subquery counts [`SUBQUERY_WEIGHT`] times: inlining copies the whole subquery,
/// which the planner then plans once per copy (`(SELECT v + v FROM t LIMIT 1)` per level took
/// about 17 KB of planning per copy: 280 MB at twelve levels, and a fence every 10,000 copies
/// let a longer chain pass that in every segment).
fn references(e: &Expr) -> u64 {
    let mut n: u64 = 0;
    let _ = sqlparser::ast::visit_expressions(e, |x| {
        match x {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => n = n.saturating_add(1),
            Expr::Subquery(q)
            | Expr::Exists { subquery: q, .. }
            | Expr::InSubquery { subquery: q, .. } => {
                let mut inside: u64 = 0;
                let _ = sqlparser::ast::visit_expressions(q.as_ref(), |y| {
                    if matches!(y, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
                        inside = inside.saturating_add(1);
                    }
                    ControlFlow::<()>::Continue(())
                });
                n = n.saturating_add(inside.saturating_mul(SUBQUERY_WEIGHT - 1));
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    n
}

#[cfg(test)]
mod tests;

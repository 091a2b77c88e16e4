//! The row-filter barrier: no expression written by the caller runs on a row that the role's row
//! filter excludes.
//!
//! A filtered table becomes a derived table (see `relations`). Left alone, PostgreSQL pulls that
//! subquery up into the caller's query and SQLite flattens it; the planner may then evaluate a
//! caller's predicate before the filter, on every row of the table, and a predicate that raises
//! (`1/0`, a failing cast, integer overflow, bad JSON) or takes time depending on its input
//! becomes an oracle about rows the role may not see. So every filtered derived table is a fence
//! (`OFFSET 0`; SQLite `LIMIT -1 OFFSET 0`): neither database pulls up a subquery with an OFFSET
//! or pushes outer predicates into it, so the caller's expressions only ever see its output.
//!
//! To keep index lookups, governance itself moves inside the fence the predicates that cannot
//! leak, which is PostgreSQL's `security_barrier` rule done by the rewrite: comparisons of the
//! table's own columns with constants where the comparison is leakproof (PostgreSQL marks them in
//! `pg_proc.proleakproof`: same-type `= <> < <= > >=` of integers, floats, text, booleans, dates,
//! timestamps, uuids; not numeric, not date against timestamp but see `dates`), `IS NULL`, a
//! boolean column as the predicate, `IN (constants)`, `= ANY (ARRAY[constants])`, row values
//! of columns against constants, `BETWEEN`, times relative to now (`relative`: moved when of
//! the column's type, else a looser copy), and AND/OR/NOT of those; only
//! where the meaning stays: a WHERE conjunct into a table not on the nullable side of an outer
//! join, an ON conjunct of an inner or left join into that join's own table. Everything else
//! stays above the fence.
//! SQLite comparisons never raise, so there any comparison of a column with a literal moves.
//!
//! More moves in where it keeps the result the same, because a fence also keeps the planner
//! from doing it itself: `min`/`max` of a fence's columns, read from its ends (`extremes`); the
//! ORDER BY and LIMIT (or FETCH FIRST) of a plain single-table SELECT or a star of joins (`star`)
//! (`push_order_into_fence`); on PostgreSQL, a key range carried across an inner join's integer
//! equality into the other table's fence (`derive_key_ranges`) and into the row filter's own
//! `col IN (SELECT key ...)` (`carry_into_row_filters`), a narrowed parent's keys
//! into its child's fence (`reduce_by_join_keys`), and the keys of a table without a row filter
//! that the caller narrowed with leakproof predicates (`open`).

use sqlparser::ast::{Offset, OffsetRows, OrderBySort};

use super::*;
use crate::sql::names::{CatalogTable, quoted};

mod columns;
mod conjuncts;
mod correlated;
mod dates;
mod extremes;
mod keys;
mod leakproof;
mod open;
mod order;
mod relative;
mod semijoin;
mod star;

pub(super) use columns::statistics_blind;

use conjuncts::{and_all, and_into_fence, and_leaves, and_leaves_mut, conjuncts};
use correlated::ANY_NAME;
use keys::column_equalities;

/// A filtered table's fenced derived table, recognised after the walk by the address of its
/// boxed query (the rewrite never moves or frees it).
pub(super) struct Fence {
    query: *const Query,
    table: QualifiedName,
}

impl Fence {
    pub(super) fn new(query: &Query, table: QualifiedName) -> Self {
        Fence {
            query: query as *const Query,
            table,
        }
    }

    fn is(&self, query: &Query) -> bool {
        std::ptr::eq(self.query, query)
    }
}

/// Make `query` a fence that the planner neither flattens nor pushes predicates into.
pub(crate) fn fence(query: &mut Query, dialect: Dialect) {
    // As the parser reads it back: `-1` is a minus applied to 1.
    let number = |n: &str| match n.strip_prefix('-') {
        Some(abs) => Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr: Box::new(Expr::value(Value::Number(abs.to_string(), false))),
        },
        None => Expr::value(Value::Number(n.to_string(), false)),
    };
    let (limit, offset) = dialect.fence();
    query.limit_clause = Some(LimitClause::LimitOffset {
        limit: limit.map(number),
        offset: Some(Offset {
            value: number(offset),
            rows: OffsetRows::None,
        }),
        limit_by: vec![],
    });
}

/// A table of one SELECT's FROM list as the caller's predicates name it.
struct Rel<'c> {
    /// The name the SELECT uses for it (its alias).
    name: String,
    access: &'c TableAccess,
    table: &'c CatalogTable,
    /// The names of every FROM item of the SELECT (a qualifier among them is no outer
    /// reference).
    level: std::rc::Rc<Vec<String>>,
}

/// A fenced table of one SELECT's FROM list.
struct Target<'q, 'c> {
    rel: Rel<'c>,
    query: &'q mut Query,
    /// Not on the nullable side of an outer join: WHERE conjuncts may move into it.
    from_where: bool,
    /// Whether a predicate was moved in already (the row filter is parenthesized then).
    pushed: bool,
    /// Predicates the caller wrote that moved in, by the one column each constrains (for
    /// `derive_key_ranges`).
    moved: Vec<(String, Expr)>,
    /// Every predicate that moved in, by the column it bounds if a range (`reduce_by_join_keys`).
    narrowed_by: Vec<Option<String>>,
    /// A moved predicate names an outer query's column: the fence reads right only in place.
    correlated: bool,
    /// The derived table's LATERAL flag (`star`'s lookups per row of a limited fence).
    lateral: &'q mut bool,
}

impl<'c> std::ops::Deref for Target<'_, 'c> {
    type Target = Rel<'c>;

    fn deref(&self) -> &Rel<'c> {
        &self.rel
    }
}

/// How a PostgreSQL column type compares leakproof-ly with constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Integer,
    Float,
    Text,
    Boolean,
    /// Compared with string literals (coerced to the column type when the query is parsed) or
    /// literals typed as exactly the column's type.
    Other,
}

/// PostgreSQL column types (as `format_type` names them) whose same-type comparison operators
/// are all leakproof, with how they compare with constants. `tests/barrier.rs` checks this list
/// against `pg_proc.proleakproof` of a real server.
pub(crate) const PG_LEAKPROOF_TYPES: &[(&str, Class)] = &[
    ("smallint", Class::Integer),
    ("integer", Class::Integer),
    ("bigint", Class::Integer),
    ("real", Class::Float),
    ("double precision", Class::Float),
    ("text", Class::Text),
    // varchar has no operators of its own: it compares as text.
    ("character varying", Class::Text),
    ("character", Class::Text),
    ("name", Class::Text),
    ("boolean", Class::Boolean),
    ("date", Class::Other),
    ("timestamp without time zone", Class::Other),
    ("timestamp with time zone", Class::Other),
    ("time without time zone", Class::Other),
    ("uuid", Class::Other),
    ("interval", Class::Other),
    ("bytea", Class::Other),
    ("oid", Class::Other),
];

fn pg_class(ty: &str) -> Option<Class> {
    PG_LEAKPROOF_TYPES
        .iter()
        .find(|(name, _)| *name == ty)
        .map(|(_, class)| *class)
}

/// The PostgreSQL type (as `format_type` names it) a literal's written type stands for.
fn pg_type_name(dt: &DataType) -> Option<&'static str> {
    Some(match dt.to_string().to_ascii_lowercase().as_str() {
        "smallint" | "int2" => "smallint",
        "int" | "integer" | "int4" => "integer",
        "bigint" | "int8" => "bigint",
        "real" | "float4" => "real",
        "double precision" | "float8" => "double precision",
        "text" => "text",
        "boolean" | "bool" => "boolean",
        "date" => "date",
        "timestamp" | "timestamp without time zone" => "timestamp without time zone",
        "timestamptz" | "timestamp with time zone" => "timestamp with time zone",
        "time" | "time without time zone" => "time without time zone",
        "uuid" => "uuid",
        _ => return None,
    })
}

fn is_integer_literal(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n.parse::<i64>().is_ok()
}

impl<'c> Walker<'c> {
    /// Move the leakproof predicates of a walked SELECT into the fenced tables they filter.
    pub(super) fn push_into_fences(&self, s: &mut Select) {
        if self.fences.is_empty() || self.mode != Mode::Caller {
            return;
        }
        let single = matches!(s.from.as_slice(), [twj] if twj.joins.is_empty());
        let level = std::rc::Rc::new(self.level_names(&s.from));
        let Select {
            from, selection, ..
        } = s;
        let mut targets: Vec<Target<'_, 'c>> = Vec::new();
        // Tables without a row filter, and the caller's conjuncts that stay above the fences
        // (of WHERE and of inner joins' ON), for `reduce_by_open_keys`.
        let mut opens: Vec<open::Open<'c>> = Vec::new();
        let mut residue: Vec<Expr> = Vec::new();
        let keys = self.dialect.comparisons_can_raise();
        // `a.x = b.y` conjuncts of WHERE and of inner joins' ON (see `derive_key_ranges`).
        let mut equalities: Vec<(Expr, Expr)> = Vec::new();
        for twj in from.iter_mut() {
            // A table is on the nullable side if a later RIGHT/FULL join pads it with NULLs.
            let mut padded_later = vec![false; twj.joins.len() + 1];
            for (k, join) in twj.joins.iter().enumerate().rev() {
                let here = matches!(
                    join.join_operator,
                    JoinOperator::Right(_)
                        | JoinOperator::RightOuter(_)
                        | JoinOperator::FullOuter(_)
                );
                let after = padded_later.get(k + 1).copied().unwrap_or(false);
                if let Some(slot) = padded_later.get_mut(k) {
                    *slot = here || after;
                }
            }
            let TableWithJoins { relation, joins } = twj;
            let relation_padded = padded_later.first().copied().unwrap_or(true);
            match self.open(relation, !relation_padded, &level) {
                Some(o) => opens.push(o),
                None => targets.extend(self.target(relation, !relation_padded, &level)),
            }
            for (k, join) in joins.iter_mut().enumerate() {
                let Join {
                    relation,
                    join_operator,
                    ..
                } = join;
                let (left_like, constraint) = match join_operator {
                    JoinOperator::Join(c) | JoinOperator::Inner(c) => (false, Some(c)),
                    JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (true, Some(c)),
                    JoinOperator::FullOuter(_) => (true, None),
                    _ => (false, None),
                };
                let padded = left_like || padded_later.get(k + 1).copied().unwrap_or(true);
                let inner = !left_like && !padded;
                let open = self.open(relation, !padded, &level);
                let Some(mut target) = open
                    .is_none()
                    .then(|| self.target(relation, !padded, &level))
                    .flatten()
                else {
                    opens.extend(open);
                    if let Some(JoinConstraint::On(on)) = constraint
                        && inner
                    {
                        equalities.extend(column_equalities(on));
                        if keys {
                            conjuncts(on.clone(), &mut residue);
                        }
                    }
                    continue;
                };
                // The join's own ON conjuncts that read only its table filter that table.
                if let Some(JoinConstraint::On(on)) = constraint {
                    if inner {
                        equalities.extend(column_equalities(on));
                    }
                    let taken = std::mem::replace(on, Expr::value(Value::Boolean(true)));
                    let kept = self.move_conjuncts(taken, &mut target, false);
                    if inner
                        && keys
                        && let Some(kept) = &kept
                    {
                        conjuncts(kept.clone(), &mut residue);
                    }
                    *on = kept.unwrap_or_else(|| Expr::value(Value::Boolean(true)));
                }
                targets.push(target);
            }
        }
        if let Some(filter) = selection.take() {
            let mut parts = Vec::new();
            conjuncts(filter, &mut parts);
            for part in &parts {
                equalities.extend(column_equalities(part));
            }
            let mut kept = Vec::new();
            'conjunct: for mut part in parts {
                for target in targets.iter_mut().filter(|t| t.from_where) {
                    self.dates_as_timestamps(&mut part, target, single);
                    if self.leakproof(&part, target, single) {
                        self.move_into(part, target, single);
                        continue 'conjunct;
                    }
                    let bounds = self.relative_bounds(&part, target, single);
                    if !bounds.is_empty() {
                        for bound in bounds {
                            self.move_into(bound, target, single);
                        }
                        break;
                    }
                }
                kept.push(part);
            }
            if !opens.is_empty() {
                residue.extend(kept.iter().cloned());
            }
            *selection = and_all(kept);
        }
        // What the caller's own predicates narrowed, before ranges are carried across.
        let narrowed: Vec<Vec<Option<String>>> =
            targets.iter().map(|t| t.narrowed_by.clone()).collect();
        self.derive_key_ranges(&mut targets, &equalities);
        self.carry_into_row_filters(&mut targets);
        let opened = if opens.is_empty() {
            Vec::new()
        } else {
            self.narrow_open(&mut opens, &residue);
            self.reduce_by_open_keys(&mut targets, &opens, &equalities)
        };
        self.reduce_by_join_keys(&mut targets, &equalities, &narrowed, &opened);
    }

    /// The fence a FROM item is, with what the barrier needs to know about it.
    fn target<'q>(
        &self,
        tf: &'q mut TableFactor,
        from_where: bool,
        level: &std::rc::Rc<Vec<String>>,
    ) -> Option<Target<'q, 'c>> {
        let TableFactor::Derived {
            subquery,
            alias: Some(alias),
            lateral,
            ..
        } = tf
        else {
            return None;
        };
        if !alias.columns.is_empty() {
            return None;
        }
        let fence = self
            .fences
            .iter()
            .find(|f| std::ptr::eq(f.query, &**subquery))?;
        let (policy, catalog) = (self.policy, self.catalog);
        Some(Target {
            rel: Rel {
                name: normalize_ident(self.dialect, &alias.name),
                access: policy.access(&fence.table)?,
                table: catalog.get(&fence.table.schema, &fence.table.name)?,
                level: level.clone(),
            },
            query: subquery,
            from_where,
            pushed: false,
            moved: Vec::new(),
            narrowed_by: Vec::new(),
            correlated: false,
            lateral,
        })
    }

    /// Move the leakproof conjuncts of `e` into `target`; what stays.
    fn move_conjuncts(
        &self,
        e: Expr,
        target: &mut Target<'_, '_>,
        unqualified: bool,
    ) -> Option<Expr> {
        let mut parts = Vec::new();
        conjuncts(e, &mut parts);
        let mut kept = Vec::new();
        for mut part in parts {
            self.dates_as_timestamps(&mut part, target, unqualified);
            if self.leakproof(&part, target, unqualified) {
                self.move_into(part, target, unqualified);
            } else {
                for bound in self.relative_bounds(&part, target, unqualified) {
                    self.move_into(bound, target, unqualified);
                }
                kept.push(part);
            }
        }
        and_all(kept)
    }

    /// AND a predicate into the fence's WHERE, its columns named by the base table.
    fn move_into(&self, mut e: Expr, target: &mut Target<'_, '_>, unqualified: bool) {
        let range = self.range_column(&e, target, unqualified);
        if let Some(col) = &range {
            target.moved.push((col.clone(), e.clone()));
        }
        target.narrowed_by.push(range);
        let table = quoted(&target.table.name.name);
        let mut outer = false;
        let _ = sqlparser::ast::visit_expressions_mut(&mut e, |x| {
            if let Some(col) = self.column_of(x, target, unqualified) {
                *x = Expr::CompoundIdentifier(vec![table.clone(), quoted(&col)]);
            } else if matches!(x, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
                outer = true;
            }
            std::ops::ControlFlow::<()>::Continue(())
        });
        target.correlated |= outer;
        and_into_fence(e, target);
    }

    /// The visible column of `target` that `e` names, in the catalog's spelling.
    fn column_of(&self, e: &Expr, target: &Rel<'_>, unqualified: bool) -> Option<String> {
        let name = match e {
            Expr::Identifier(id) if unqualified => normalize_ident(self.dialect, id),
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [q, c] if self.col_eq(&normalize_ident(self.dialect, q), &target.name) => {
                    normalize_ident(self.dialect, c)
                }
                _ => return None,
            },
            _ => return None,
        };
        target
            .access
            .visible
            .iter()
            .find(|v| self.col_eq(v, &name))
            .cloned()
    }

    /// The column `e` names (through parentheses) and its declared type.
    fn typed_column(
        &self,
        e: &Expr,
        target: &Rel<'_>,
        unqualified: bool,
    ) -> Option<Option<String>> {
        match e {
            Expr::Nested(x) => self.typed_column(x, target, unqualified),
            _ => {
                let col = self.column_of(e, target, unqualified)?;
                Some(target.table.column_type(&col).map(str::to_string))
            }
        }
    }
}

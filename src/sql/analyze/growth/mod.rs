//! How large the values a statement builds can grow, in one row.
//!
//! PostgreSQL has no memory limit per session, and evaluating one expression does not look at
//! the statement timeout: every intermediate value of a row's expressions stays allocated until
//! the row is done, and each may be up to 1 GB. A chain `s || s || ... || s` allocates each
//! partial result (quadratic in its length), and a value built in a CTE or derived table
//! compounds through every level that builds on it again. So each statement gets an upper bound
//! of what its expressions allocate in one row, summed over every node that makes a new value,
//! in four currencies ([`size::Size`]):
//! - bytes built from the statement's own literals (`repeat('x', 100)`, `lpad`, `replace`,
//!   `format`, ... and what compounds from them), exact up to a factor; an aggregate's literal
//!   bytes count for [`calls`]' thousand rows;
//! - copies of stored values (their size is the data's, not the caller's, but a chain
//!   multiplies it);
//! - copies of the caller's parameters (as large as the request: counted apart, fewer);
//! - values whose size the caller controls through row counts: copies of what collecting
//!   aggregates (`string_agg`, `array_agg`, `json_agg`, `ARRAY(SELECT ...)`) made, recursive
//!   CTE columns, and products of two data values (`replace(s, 'a', s)`). Each such node is
//!   at most 1 GB, so they are counted one per node; the aggregates themselves are counted
//!   apart.
//!
//! A statement over any limit is refused before it runs. Growth across rows (an aggregate's
//! state) is checked by the database between rows, so the statement timeout bounds it.

use sqlparser::ast::{
    Distinct, Expr, GroupByExpr, LimitClause, ObjectName, OrderByKind, Query, Select, SelectItem,
    SetExpr, Statement, TableAlias,
};

use std::collections::HashMap;
use std::rc::Rc;

use super::super::names::normalize_ident;
use super::{Denial, Dialect, Rule};
use size::Size;

/// Bytes a statement may build from its own literals in one row (summed over every value it
/// makes).
pub(crate) const MAX_BUILT_BYTES: u64 = 64 << 20;
/// Copies of stored values a statement may make in one row.
pub(crate) const MAX_BUILT_COPIES: u64 = 2048;
/// Copies of the caller's parameters a statement may make in one row (each up to the
/// request's size, 4 MiB).
pub(crate) const MAX_PARAM_COPIES: u64 = 128;
/// Values made at once from values of caller-controlled size (copies of what collecting
/// aggregates made, of recursive CTE columns; products of two data values) a statement may
/// make in one row.
pub(crate) const MAX_GROWN_VALUES: u64 = 16;
/// Aggregates that collect their rows' values (`string_agg`, `array_agg`, `json_agg`,
/// `ARRAY(SELECT ...)`) one statement may have.
pub(crate) const MAX_COLLECTING: u64 = 64;
/// PostgreSQL's largest value: no single value is larger.
const MAX_VALUE: u64 = 1 << 30;
/// A value of a fixed-size type (numbers, dates, booleans, ...), rounded up.
const SCALAR: u64 = 64;

/// A relation's output columns: the ones known, and the size of any other (a stored table's
/// columns are not listed: `Some(Size::DATA)`).
#[derive(Debug, Clone, Default)]
struct Shape {
    columns: Vec<(String, Size)>,
    open: Option<Size>,
}

impl Shape {
    fn stored() -> Shape {
        Shape {
            columns: Vec::new(),
            open: Some(Size::DATA),
        }
    }

    /// At most as many listed columns as a table may have: the rest count as any column.
    fn capped(mut self) -> Shape {
        if self.columns.len() > super::columns::MAX_SELECT_COLUMNS {
            let rest = self
                .columns
                .drain(super::columns::MAX_SELECT_COLUMNS..)
                .fold(self.open.unwrap_or(Size::ZERO), |acc, (_, s)| acc.max(s));
            self.open = Some(rest);
        }
        self
    }

    fn column(&self, name: &str) -> Option<Size> {
        let listed = self
            .columns
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, s)| *s)
            .reduce(Size::max);
        match (listed, self.open) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// The whole row as one value (`t.*`, `row_to_json(t)`).
    fn row(&self) -> Size {
        self.columns
            .iter()
            .fold(self.open.unwrap_or(Size::ZERO), |acc, (_, s)| acc.plus(*s))
    }

    fn first(&self) -> Size {
        self.columns
            .first()
            .map(|(_, s)| *s)
            .or(self.open)
            .unwrap_or(Size::DATA)
    }

    fn renamed(mut self, alias: Option<&TableAlias>, dialect: Dialect) -> Shape {
        if let Some(alias) = alias {
            for (column, name) in self.columns.iter_mut().zip(&alias.columns) {
                column.0 = normalize_ident(dialect, &name.name);
            }
            // Names past the known columns rename columns of the open part.
            if alias.columns.len() > self.columns.len() {
                let open = self.open.unwrap_or(Size::DATA);
                for name in &alias.columns[self.columns.len()..] {
                    self.columns
                        .push((normalize_ident(dialect, &name.name), open));
                }
            }
        }
        self
    }
}

struct Item {
    name: String,
    shape: Rc<Shape>,
}

/// A SELECT's FROM items, and what an unqualified name found among them may be: the largest
/// listed column of that name, and the largest column of an item whose columns are not
/// listed (kept as items are added, so a name is looked up once per level, not per item).
#[derive(Default)]
struct Level {
    items: Vec<Item>,
    names: HashMap<String, Size>,
    open: Option<Size>,
    /// Shapes already merged into `names` (many references to one CTE share one).
    merged: std::collections::HashSet<*const Shape>,
}

impl Level {
    fn of(item: Item) -> Level {
        let mut level = Level::default();
        level.push(item);
        level
    }

    fn push(&mut self, item: Item) {
        if !self.merged.insert(Rc::as_ptr(&item.shape)) {
            self.items.push(item);
            return;
        }
        for (name, size) in &item.shape.columns {
            self.names
                .entry(name.clone())
                .and_modify(|s| *s = s.max(*size))
                .or_insert(*size);
        }
        if let Some(o) = item.shape.open {
            self.open = Some(self.open.map_or(o, |x| x.max(o)));
        }
        self.items.push(item);
    }
}

struct Growth {
    dialect: Dialect,
    /// CTEs visible, innermost scope last.
    ctes: Vec<Vec<(String, Rc<Shape>)>>,
    /// FROM items per SELECT, innermost last.
    from: Vec<Level>,
    /// What the statement's new values add up to in one row.
    built: Size,
    /// Aggregates that collect their rows' values: each grows with the rows, between which
    /// the database checks the timeout, so they are counted apart from copies of what they
    /// made (which are made at once).
    collecting: u64,
    /// What the collecting aggregate made last collected per row (its elements' size).
    collected: Option<Size>,
}

/// Refuses a statement whose expressions may build more, in one row, than the limits above.
pub(super) fn check(statement: &Statement, dialect: Dialect) -> Result<(), Denial> {
    let query = match statement {
        Statement::Query(q) => q,
        Statement::Explain { statement, .. } => match statement.as_ref() {
            Statement::Query(q) => q,
            _ => return Ok(()),
        },
        _ => return Ok(()),
    };
    let mut growth = Growth {
        dialect,
        ctes: Vec::new(),
        from: Vec::new(),
        built: Size::ZERO,
        collecting: 0,
        collected: None,
    };
    growth.query(query);
    let built = growth.built;
    if !built.is_big() && growth.collecting <= MAX_COLLECTING {
        return Ok(());
    }
    let why = if growth.collecting > MAX_COLLECTING {
        format!(
            "it has {} aggregates that collect their rows (string_agg, array_agg, json_agg, ARRAY(SELECT ...)), each up to 1 GB; at most {MAX_COLLECTING}",
            growth.collecting
        )
    } else if built.fixed > MAX_BUILT_BYTES {
        format!(
            "it may build about {} MiB from its literals in one row, at most {} MiB (repeat, lpad, replace, format and || multiply through nested calls, subqueries and CTEs)",
            built.fixed >> 20,
            MAX_BUILT_BYTES >> 20
        )
    } else if built.data > MAX_BUILT_COPIES {
        format!(
            "it may copy stored values {} times in one row, at most {MAX_BUILT_COPIES} (each step of a || chain copies everything before it; concat(a, b, ...) or format(...) copy each value once)",
            built.data
        )
    } else if built.param > MAX_PARAM_COPIES {
        format!(
            "it may copy its parameters {} times in one row, at most {MAX_PARAM_COPIES} (each step of a || chain copies everything before it; concat(a, b, ...) or format(...) copy each value once)",
            built.param
        )
    } else {
        format!(
            "it may make {} copies of values whose size grows with the rows read (an aggregate's string or array, a recursive CTE's growing column, replace of a value by another) in one row; at most {MAX_GROWN_VALUES}",
            built.grown
        )
    };
    Err(Denial::new(
        Rule::FunctionNotAllowed,
        format!("this statement may build values too large for the database's memory: {why}"),
    ))
}

impl Growth {
    fn query(&mut self, q: &Query) -> Shape {
        self.ctes.push(Vec::new());
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                let name = normalize_ident(self.dialect, &cte.alias.name);
                let shape = if with.recursive {
                    self.recursive(&name, &cte.query, &cte.alias)
                } else {
                    self.query(&cte.query)
                        .renamed(Some(&cte.alias), self.dialect)
                };
                if let Some(scope) = self.ctes.last_mut() {
                    scope.push((name, Rc::new(shape)));
                }
            }
        }
        let shape = self.set_expr(&q.body);
        // ORDER BY sees the output columns (and, for a plain SELECT, its FROM items: their
        // values are in the output or read as stored values).
        self.from.push(Level::of(Item {
            name: String::new(),
            shape: Rc::new(Shape {
                columns: shape.columns.clone(),
                open: Some(shape.open.unwrap_or(Size::DATA)),
            }),
        }));
        if let Some(order_by) = &q.order_by
            && let OrderByKind::Expressions(list) = &order_by.kind
        {
            for o in list {
                self.expr(&o.expr);
            }
        }
        match &q.limit_clause {
            Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) => {
                for e in limit
                    .iter()
                    .chain(offset.iter().map(|o| &o.value))
                    .chain(limit_by)
                {
                    self.expr(e);
                }
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                self.expr(offset);
                self.expr(limit);
            }
            None => {}
        }
        self.from.pop();
        self.ctes.pop();
        shape
    }

    /// A recursive CTE's columns: what the non-recursive part makes, and, where the recursive
    /// part makes more from it, a value that grows with every round. The recursive part is
    /// walked once, reading the CTE's columns as growing values (walked twice, nested
    /// recursive CTEs doubled the work per level).
    fn recursive(&mut self, name: &str, q: &Query, alias: &TableAlias) -> Shape {
        let SetExpr::SetOperation { left, right, .. } = q.body.as_ref() else {
            return self.query(q).renamed(Some(alias), self.dialect);
        };
        let anchor = self.set_expr(left).renamed(Some(alias), self.dialect);
        let mut growing = anchor.clone();
        for column in &mut growing.columns {
            column.1 = column.1.plus(Size::GROWN);
        }
        if let Some(scope) = self.ctes.last_mut() {
            scope.push((name.to_string(), Rc::new(growing)));
        }
        let round = self.set_expr(right);
        if let Some(scope) = self.ctes.last_mut() {
            scope.retain(|(n, _)| n != name);
        }
        let mut shape = anchor;
        for (i, column) in shape.columns.iter_mut().enumerate() {
            let made = round.columns.get(i).map_or(Size::DATA, |c| c.1);
            column.1 = column.1.max(made);
        }
        shape
    }

    fn set_expr(&mut self, body: &SetExpr) -> Shape {
        match body {
            SetExpr::Select(select) => self.select(select),
            SetExpr::Query(q) => self.query(q),
            SetExpr::SetOperation { left, right, .. } => {
                let l = self.set_expr(left);
                let r = self.set_expr(right);
                let mut shape = l;
                for (i, column) in shape.columns.iter_mut().enumerate() {
                    column.1 = column.1.max(r.columns.get(i).map_or(r.first(), |c| c.1));
                }
                shape.open = match (shape.open, r.open) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                shape
            }
            SetExpr::Values(values) => {
                let mut columns: Vec<(String, Size)> = Vec::new();
                for row in &values.rows {
                    for (i, e) in row.iter().enumerate() {
                        let size = self.expr(e);
                        match columns.get_mut(i) {
                            Some(c) => c.1 = c.1.max(size),
                            None => columns.push((format!("column{}", i + 1), size)),
                        }
                    }
                }
                Shape {
                    columns,
                    open: None,
                }
            }
            _ => Shape::stored(),
        }
    }

    fn select(&mut self, s: &Select) -> Shape {
        self.from.push(Level::default());
        for table in &s.from {
            self.table_with_joins(table);
        }
        for e in s.selection.iter().chain(&s.having).chain(&s.qualify) {
            self.expr(e);
        }
        if let GroupByExpr::Expressions(list, _) = &s.group_by {
            for e in list {
                self.expr(e);
            }
        }
        if let Some(Distinct::On(list)) = &s.distinct {
            for e in list {
                self.expr(e);
            }
        }
        for window in &s.named_window {
            if let sqlparser::ast::NamedWindowExpr::WindowSpec(spec) = &window.1 {
                self.window(spec);
            }
        }
        let mut shape = Shape::default();
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let size = self.expr(e);
                    shape.columns.push((self.output_name(e), size));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let size = self.expr(expr);
                    shape
                        .columns
                        .push((normalize_ident(self.dialect, alias), size));
                }
                SelectItem::ExprWithAliases { expr, aliases } => {
                    let size = self.expr(expr);
                    for alias in aliases {
                        shape
                            .columns
                            .push((normalize_ident(self.dialect, alias), size));
                    }
                }
                SelectItem::Wildcard(_) => {
                    if let Some(level) = self.from.last() {
                        for item in &level.items {
                            shape.columns.extend(item.shape.columns.iter().cloned());
                            if let Some(open) = item.shape.open {
                                shape.open = Some(shape.open.map_or(open, |o| o.max(open)));
                            }
                            shape = std::mem::take(&mut shape).capped();
                        }
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    let found = match kind {
                        sqlparser::ast::SelectItemQualifiedWildcardKind::ObjectName(name) => {
                            self.item(name).map(|i| Shape::clone(&i.shape))
                        }
                        sqlparser::ast::SelectItemQualifiedWildcardKind::Expr(e) => {
                            let size = self.expr(e);
                            Some(Shape {
                                columns: Vec::new(),
                                open: Some(size),
                            })
                        }
                    };
                    let found = found.unwrap_or_else(Shape::stored);
                    shape.columns.extend(found.columns);
                    if let Some(open) = found.open {
                        shape.open = Some(shape.open.map_or(open, |o| o.max(open)));
                    }
                }
            }
            shape = std::mem::take(&mut shape).capped();
        }
        self.from.pop();
        shape
    }

    fn output_name(&self, e: &Expr) -> String {
        match e {
            Expr::Identifier(i) => normalize_ident(self.dialect, i),
            Expr::CompoundIdentifier(parts) => parts
                .last()
                .map(|i| normalize_ident(self.dialect, i))
                .unwrap_or_default(),
            Expr::Function(f) => last_name(&f.name),
            _ => "?column?".to_string(),
        }
    }

    fn item(&self, name: &ObjectName) -> Option<&Item> {
        let wanted = name
            .0
            .last()?
            .as_ident()
            .map(|i| normalize_ident(self.dialect, i))?;
        self.from
            .iter()
            .rev()
            .flat_map(|level| level.items.iter().rev())
            .find(|item| item.name == wanted)
    }

    /// An unqualified name: the innermost level that lists it, and every level on the way
    /// whose items are open (a stored table's columns are not listed, so a name found there
    /// may still be an outer query's column: both are counted).
    fn column(&self, name: &str) -> Size {
        let mut open: Option<Size> = None;
        for level in self.from.iter().rev() {
            if let Some(o) = level.open {
                open = Some(open.map_or(o, |x| x.max(o)));
            }
            if let Some(size) = level.names.get(name) {
                return size.max(open.unwrap_or(Size::ZERO));
            }
        }
        // A whole row named by its item (`row_to_json(t)`, `t` in PostgreSQL).
        let row = self
            .from
            .iter()
            .rev()
            .flat_map(|level| level.items.iter())
            .find(|item| item.name == name)
            .map(|item| item.shape.row());
        match (open, row) {
            (Some(a), Some(b)) => a.max(b),
            (a, b) => a.or(b).unwrap_or(Size::DATA),
        }
    }

    fn qualified(&self, parts: &[sqlparser::ast::Ident]) -> Size {
        let [qualifier, column] = parts else {
            return Size::DATA;
        };
        let qualifier = normalize_ident(self.dialect, qualifier);
        let column = normalize_ident(self.dialect, column);
        self.from
            .iter()
            .rev()
            .flat_map(|level| level.items.iter().rev())
            .find(|item| item.name == qualifier)
            .and_then(|item| item.shape.column(&column))
            .unwrap_or(Size::DATA)
    }

    /// A value made by a node: counted in what the row builds.
    fn made(&mut self, size: Size) -> Size {
        let size = size.value();
        self.built = self.built.plus_total(size);
        size
    }
}

fn last_name(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| i.value.to_lowercase())
        .unwrap_or_default()
}

mod calls;
mod exprs;
mod numbers;
mod relations;
mod size;

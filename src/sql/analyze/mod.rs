//! Analyze and authorize: walk every node of a parsed statement with an explicit allow-list.
//!
//! Input: a statement of an allowed kind (see `parse`) and the caller's compiled role. Output: an
//! [`Analysis`] (the base tables read, the attribute values to bind), with every table reference
//! rewritten in place: unrestricted tables qualified to `"schema"."table"` so the database
//! resolves exactly what governance resolved, restricted ones replaced by a derived table of
//! their visible columns and row filter; or a [`Denial`] (table not granted, column hidden,
//! function not allowed, ...). Column checks name the rule for the caller; the derived-table
//! rewrite is the boundary that holds even where a check cannot know a name's table.
//!
//! Every `match` over an AST enum ends in a denial for the kinds it does not list: a node this
//! walker does not understand is never allowed through. CTE names are scoped the way the
//! database scopes them (a non-recursive CTE does not see itself or later siblings), so a CTE
//! can never shadow a table the walker did not check.

use sqlparser::ast::{
    ArrayElemTypeDef, BinaryOperator, CastKind, DataType, Distinct, Expr, Function, FunctionArg,
    FunctionArgExpr, FunctionArgumentClause, FunctionArguments, GroupByExpr, Join, JoinConstraint,
    JoinOperator, LimitClause, NamedWindowExpr, ObjectName, OrderBy, OrderByExpr, OrderByKind,
    Query, Select, SelectFlavor, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, Statement,
    Subscript, TableFactor, TableWithJoins, Value, WildcardAdditionalOptions, WindowFrameBound,
    WindowSpec, WindowType,
};

use std::collections::BTreeMap;

use sqlparser::ast::{Ident, TableAlias, UnaryOperator};
use sqlparser::tokenizer::Location;

use super::compile::{CompiledRole, TableAccess};
use super::names::{Catalog, normalize_ident, normalize_name, quoted, quoted_name};
use super::{Denial, Dialect, GovernContext, QualifiedName, Rule};

/// What a governed statement reads, and the attribute values its row filters bind.
#[derive(Debug, Default)]
pub(crate) struct Analysis {
    pub tables: Vec<QualifiedName>,
    /// Values bound after the caller's parameters, in placeholder order.
    pub bound: Vec<String>,
}

type Walk = Result<(), Denial>;

/// A SELECT's FROM items and output aliases (what its ORDER BY may name).
type SelectScope = (Vec<FromItem>, Vec<String>);

/// What is being walked: caller SQL (governed), or a DBA-written row filter (trusted: tables
/// are qualified but not governed, and `attr('name')` is allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Caller,
    Filter,
}

/// A FROM item visible to column references.
#[derive(Debug, Clone)]
struct FromItem {
    /// The name references use: the alias, or the table name.
    name: String,
    kind: ItemKind,
    /// A restricted table made a derived table: its key and dependent columns, for GROUP BY.
    key: Option<grouping::GroupKey>,
    /// The catalog table a `Table` item reads.
    table: Option<QualifiedName>,
    /// A table function (its whole row may be a single value: see `columns`).
    function: bool,
}

#[derive(Debug, Clone)]
enum ItemKind {
    /// A base table: visible and hidden columns known.
    Table(std::sync::Arc<TableAccess>),
    /// A CTE, derived table, function or renamed table: its output columns where known.
    Opaque(Option<Columns>),
}

/// Output column names, shared by every reference to the CTE or item they belong to (a CTE of
/// 1,600 columns referenced 4,000 times held 6.4 million names: 400 MB in governance).
type Columns = std::rc::Rc<[String]>;

/// A CTE in scope: its name and, where known, its columns.
#[derive(Debug, Clone)]
struct Cte {
    name: String,
    columns: Option<Columns>,
}

pub(crate) fn analyze(
    statement: &mut Statement,
    ctx: &GovernContext<'_>,
    params: &[serde_json::Value],
    row_cap: Option<u64>,
) -> Result<Analysis, Denial> {
    let mut walker = Walker::new(ctx.dialect, ctx.catalog, ctx.policy, Mode::Caller);
    walker.row_cap = row_cap;
    walker.param_count = params.len();
    walker.params = params;
    walker.attrs = Some(ctx.attrs);
    if ctx.dialect.has_anonymous_placeholders() {
        walker.anonymous = anonymous_placeholders(statement);
    }
    walker.varying = walker.calls_varying(statement);
    growth::check(statement, ctx.dialect)?;
    match statement {
        Statement::Query(q) => walker.query(q)?,
        Statement::Explain {
            statement: inner, ..
        } => match inner.as_mut() {
            Statement::Query(q) => walker.query(q)?,
            _ => return Err(unsupported("this EXPLAIN form")),
        },
        _ => return Err(unsupported("this statement kind")),
    }
    walker.analysis.tables.sort();
    walker.analysis.tables.dedup();
    Ok(walker.analysis)
}

/// Locations of SQLite's anonymous `?` placeholders in text order: each becomes `?N` so the
/// numbered placeholders of row-filter attributes cannot shift them.
fn anonymous_placeholders(statement: &Statement) -> Vec<Location> {
    let mut spans = Vec::new();
    let _ = sqlparser::ast::visit_expressions(statement, |e| {
        if let Expr::Value(v) = e
            && matches!(&v.value, Value::Placeholder(p) if p == "?")
        {
            spans.push(v.span.start);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    spans.sort_by_key(|l| (l.line, l.column));
    spans
}

pub(crate) struct Walker<'c> {
    dialect: Dialect,
    catalog: &'c Catalog,
    policy: &'c CompiledRole,
    mode: Mode,
    /// CTEs visible at this point, innermost scope last.
    scopes: Vec<Vec<Cte>>,
    /// FROM items per SELECT, innermost last (outer ones serve correlated references).
    from: Vec<Vec<FromItem>>,
    /// Output aliases of the SELECT whose ORDER BY / GROUP BY is being walked.
    output_aliases: Vec<String>,
    analysis: Analysis,
    param_count: usize,
    /// The caller's parameter values (their JSON types decide how PostgreSQL binds them).
    params: &'c [serde_json::Value],
    attrs: Option<&'c BTreeMap<String, String>>,
    /// Attribute names a filter reads (filter mode).
    filter_attrs: Vec<String>,
    /// The table a filter belongs to (filter mode).
    pub(crate) filter_table: Option<String>,
    anonymous: Vec<Location>,
    /// Filtered tables' derived tables, fenced (see `barrier`).
    fences: Vec<barrier::Fence>,
    /// Column-hiding derived tables of tables without a row filter (see `barrier::open`).
    plain: Vec<barrier::Fence>,
    /// Series made so far: one per statement, so bounded series cannot multiply (see `series`).
    series: std::cell::Cell<usize>,
    /// Whether the statement calls, anywhere, a function whose value may change between two
    /// reads (see [`Walker::may_vary`]): a column of a derived table or CTE computed with one
    /// can be read twice as two values once the database inlines it.
    varying: bool,
    /// Set while the argument of `length(...)` is walked when it is a cast to BLOB (SQLite's
    /// byte count, the only cast to BLOB allowed there).
    byte_length_cast: std::cell::Cell<bool>,
    /// SQLite searches (LIKE, GLOB, instr, replace, trim) over built text, so far (see
    /// `functions::MAX_BUILT_SEARCHES`).
    built_searches: std::cell::Cell<usize>,
    /// The row cap `rewrite` will push into the outermost query (`None`: EXPLAIN, filters).
    row_cap: Option<u64>,
    /// The output columns of the query walked last, where known (for derived tables and CTEs).
    last_columns: Option<Vec<String>>,
    /// FROM items of the levels being walked that the database does not let the current
    /// expression see (a non-LATERAL derived table's siblings, the items outside a join's ON,
    /// the inside of an aliased join): out of scope, but still checked against (`columns`).
    out_of_sight: Vec<FromItem>,
}

fn unsupported(what: &str) -> Denial {
    Denial::new(
        Rule::UnsupportedSyntax,
        format!(
            "{what} is not supported by the SQL governance; rewrite the query with standard SELECT syntax"
        ),
    )
}

impl<'c> Walker<'c> {
    pub(crate) fn new(
        dialect: Dialect,
        catalog: &'c Catalog,
        policy: &'c CompiledRole,
        mode: Mode,
    ) -> Self {
        Walker {
            dialect,
            catalog,
            policy,
            mode,
            scopes: Vec::new(),
            from: Vec::new(),
            output_aliases: Vec::new(),
            analysis: Analysis::default(),
            param_count: 0,
            params: &[],
            attrs: None,
            filter_attrs: Vec::new(),
            filter_table: None,
            anonymous: Vec::new(),
            fences: Vec::new(),
            plain: Vec::new(),
            series: std::cell::Cell::new(0),
            varying: false,
            byte_length_cast: std::cell::Cell::new(false),
            built_searches: std::cell::Cell::new(0),
            row_cap: None,
            last_columns: None,
            out_of_sight: Vec::new(),
        }
    }

    pub(crate) fn filter_attrs(self) -> Vec<String> {
        self.filter_attrs
    }

    fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn col_eq(&self, a: &str, b: &str) -> bool {
        self.dialect.same_name(a, b)
    }

    fn query(&mut self, q: &mut Query) -> Walk {
        if !q.locks.is_empty() {
            return Err(Denial::new(
                Rule::LockingClause,
                "locking clauses (FOR UPDATE, FOR SHARE, ...) are not allowed in read-only queries",
            ));
        }
        if q.for_clause.is_some() {
            return Err(unsupported("a FOR XML/JSON/BROWSE clause"));
        }
        if q.settings.is_some() || q.format_clause.is_some() || !q.pipe_operators.is_empty() {
            return Err(unsupported("SETTINGS, FORMAT and pipe operators"));
        }
        self.scopes.push(Vec::new());
        let result = self.query_in_scope(q);
        self.scopes.pop();
        result
    }

    fn query_in_scope(&mut self, q: &mut Query) -> Walk {
        if let Some(with) = &mut q.with {
            let mut ctes: Vec<Cte> = with
                .cte_tables
                .iter()
                .map(|c| Cte {
                    name: normalize_ident(self.dialect, &c.alias.name),
                    columns: None,
                })
                .collect();
            for (i, cte) in with.cte_tables.iter_mut().enumerate() {
                if cte.from.is_some() {
                    return Err(unsupported("CTE ... FROM"));
                }
                for col in &cte.alias.columns {
                    if col.data_type.is_some() {
                        return Err(unsupported("typed CTE column lists"));
                    }
                }
                // A recursive WITH makes every name visible to every body; otherwise a body
                // sees only earlier siblings (its own name resolves to a real table).
                let visible = if with.recursive {
                    // The body's own references see the columns its first arm names.
                    if let Some(c) = ctes.get_mut(i) {
                        c.columns = columns::renamed(
                            self.dialect,
                            Some(&cte.alias),
                            columns::syntactic_outputs(self.dialect, &cte.query).map(Columns::from),
                        );
                    }
                    ctes.clone()
                } else {
                    ctes[..i].to_vec()
                };
                self.set_scope(visible);
                self.query(&mut cte.query)?;
                let computed = self.last_columns.take();
                if let Some(c) = ctes.get_mut(i) {
                    c.columns = columns::renamed(
                        self.dialect,
                        Some(&cte.alias),
                        computed.map(Columns::from),
                    );
                }
            }
            self.set_scope(ctes);
        }
        let body_scope = self.set_expr(&mut q.body)?;
        let columns = self.last_columns.take();
        if let Some(order_by) = &mut q.order_by {
            // ORDER BY of a plain SELECT sees its FROM items and its output names; that of a
            // set operation or VALUES, the output names of its first arm.
            let (items, mut aliases) = body_scope.unwrap_or_else(|| {
                let item = FromItem {
                    name: String::new(),
                    kind: ItemKind::Opaque(columns.clone().map(Columns::from)),
                    key: None,
                    table: None,
                    function: false,
                };
                (vec![item], Vec::new())
            });
            aliases.extend(columns.iter().flatten().cloned());
            self.from.push(items);
            let saved = std::mem::replace(&mut self.output_aliases, aliases);
            let result = self.order_by(order_by);
            self.output_aliases = saved;
            self.from.pop();
            result?;
        }
        match &mut q.limit_clause {
            None => {}
            Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) => {
                if !limit_by.is_empty() {
                    return Err(unsupported("LIMIT BY"));
                }
                if let Some(limit) = limit {
                    self.expr(limit)?;
                }
                if let Some(offset) = offset {
                    self.expr(&mut offset.value)?;
                }
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                self.expr(offset)?;
                self.expr(limit)?;
            }
        }
        if let Some(fetch) = &mut q.fetch {
            if fetch.percent {
                return Err(unsupported("FETCH ... PERCENT"));
            }
            if let Some(quantity) = &mut fetch.quantity {
                self.expr(quantity)?;
            }
        }
        // The row cap applies to the outermost query only.
        let cap = if self.scopes.len() == 1 {
            self.row_cap
        } else {
            None
        };
        self.push_order_into_fence(q, cap);
        self.push_extremes_into_fence(q);
        self.last_columns = columns;
        Ok(())
    }

    fn set_scope(&mut self, ctes: Vec<Cte>) {
        if let Some(top) = self.scopes.last_mut() {
            *top = ctes;
        }
    }

    /// The CTE a name refers to, innermost first.
    fn cte(&self, name: &str) -> Option<&Cte> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.iter().find(|c| c.name == name))
    }

    /// Walk a query body; for a plain SELECT, return its FROM items and output aliases.
    fn set_expr(&mut self, body: &mut SetExpr) -> Result<Option<SelectScope>, Denial> {
        match body {
            SetExpr::Select(select) => self.select(select).map(Some),
            SetExpr::Query(q) => self.query(q).map(|_| None),
            SetExpr::SetOperation { left, right, .. } => {
                // A set operation's columns are named by its first arm.
                self.set_expr(left)?;
                let columns = self.last_columns.take();
                self.set_expr(right)?;
                self.last_columns = columns;
                Ok(None)
            }
            SetExpr::Values(values) => {
                for row in &mut values.rows {
                    for e in row.iter_mut() {
                        self.expr(e)?;
                    }
                }
                self.last_columns = Some(columns::values_columns(values));
                Ok(None)
            }
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                Err(Denial::new(
                    Rule::StatementKind,
                    "data-modifying statements are not allowed, including inside WITH; only read-only queries are",
                ))
            }
            SetExpr::Table(_) => Err(unsupported("the TABLE shorthand (write SELECT * FROM t)")),
        }
    }

    fn select(&mut self, s: &mut Select) -> Result<SelectScope, Denial> {
        self.from.push(Vec::new());
        let hidden_mark = self.out_of_sight.len();
        let result = self.select_in_scope(s);
        self.out_of_sight.truncate(hidden_mark);
        let items = self.from.pop().unwrap_or_default();
        result?;
        self.last_columns = self.select_columns(s, &items);
        if let Some(columns) = &self.last_columns
            && columns.len() > columns::MAX_SELECT_COLUMNS
        {
            return Err(Denial::new(
                Rule::UnsupportedSyntax,
                format!(
                    "a select list may have at most {} columns (PostgreSQL's limit), `*` included; name the columns you need",
                    columns::MAX_SELECT_COLUMNS
                ),
            ));
        }
        self.complete_group_by(s, &items);
        // Only now, with every name checked: move leakproof predicates inside the fences.
        self.push_into_fences(s);
        Ok((items, self.aliases_of(s)))
    }

    fn aliases_of(&self, s: &Select) -> Vec<String> {
        s.projection
            .iter()
            .filter_map(|item| match item {
                SelectItem::ExprWithAlias { alias, .. } => {
                    Some(normalize_ident(self.dialect, alias))
                }
                _ => None,
            })
            .collect()
    }

    fn select_in_scope(&mut self, s: &mut Select) -> Walk {
        if s.into.is_some() {
            return Err(Denial::new(
                Rule::SelectInto,
                "SELECT ... INTO creates a table; remove the INTO clause",
            ));
        }
        if !s.optimizer_hints.is_empty()
            || s.select_modifiers.is_some()
            || s.top.is_some()
            || s.exclude.is_some()
            || !s.lateral_views.is_empty()
            || s.prewhere.is_some()
            || !s.connect_by.is_empty()
            || !s.cluster_by.is_empty()
            || !s.distribute_by.is_empty()
            || !s.sort_by.is_empty()
            || s.qualify.is_some()
            || s.value_table_mode.is_some()
            || s.flavor != SelectFlavor::Standard
        {
            return Err(unsupported("this vendor-specific SELECT clause"));
        }
        // FROM first: table references are resolved before the expressions that use them.
        for twj in &mut s.from {
            self.table_with_joins(twj)?;
        }
        if matches!(s.distinct, Some(Distinct::On(_))) {
            // DISTINCT ON, like ORDER BY, may name output aliases.
            let aliases = self.aliases_of(s);
            let saved = std::mem::replace(&mut self.output_aliases, aliases);
            let result = match &mut s.distinct {
                Some(Distinct::On(exprs)) => exprs.iter_mut().try_for_each(|e| self.expr(e)),
                _ => Ok(()),
            };
            self.output_aliases = saved;
            result?;
        }
        for item in &mut s.projection {
            self.select_item(item)?;
        }
        // SQLite also reads output aliases in WHERE and HAVING (`HAVING n > 5`).
        let sqlite_aliases = if self.dialect == Dialect::Sqlite {
            self.aliases_of(s)
        } else {
            Vec::new()
        };
        if let Some(e) = &mut s.selection {
            let saved = std::mem::replace(&mut self.output_aliases, sqlite_aliases.clone());
            let result = self.expr(e);
            self.output_aliases = saved;
            result?;
        }
        let output_aliases = self.aliases_of(s);
        match &mut s.group_by {
            GroupByExpr::Expressions(exprs, modifiers) => {
                if !modifiers.is_empty() {
                    return Err(unsupported(
                        "GROUP BY ... WITH ROLLUP/CUBE (use ROLLUP(...))",
                    ));
                }
                // GROUP BY may name output aliases.
                let saved = std::mem::replace(&mut self.output_aliases, output_aliases);
                let result = exprs.iter_mut().try_for_each(|e| self.expr(e));
                self.output_aliases = saved;
                result?;
            }
            GroupByExpr::All(_) => return Err(unsupported("GROUP BY ALL")),
        }
        if let Some(e) = &mut s.having {
            let saved = std::mem::replace(&mut self.output_aliases, sqlite_aliases);
            let result = self.expr(e);
            self.output_aliases = saved;
            result?;
        }
        for def in &mut s.named_window {
            match &mut def.1 {
                NamedWindowExpr::NamedWindow(_) => {}
                NamedWindowExpr::WindowSpec(spec) => self.window_spec(spec)?,
            }
        }
        Ok(())
    }

    fn select_item(&mut self, item: &mut SelectItem) -> Walk {
        match item {
            SelectItem::UnnamedExpr(e) => self.expr(e),
            SelectItem::ExprWithAlias { expr: e, alias } => {
                quote_reserved(alias, self.dialect())?;
                self.expr(e)
            }
            SelectItem::Wildcard(opts) => plain_wildcard(opts),
            SelectItem::QualifiedWildcard(kind, opts) => {
                plain_wildcard(opts)?;
                match kind {
                    SelectItemQualifiedWildcardKind::ObjectName(_) => Ok(()),
                    SelectItemQualifiedWildcardKind::Expr(e) => self.expr(e),
                }
            }
            SelectItem::ExprWithAliases { .. } => {
                Err(unsupported("multiple aliases for one expression"))
            }
        }
    }
}

pub(crate) mod barrier;

mod columns;
mod expr;
mod functions;
mod grouping;
mod growth;
mod joins;
mod relations;
mod reserved;
mod searches;
mod series;
mod signs;
mod sizes;
mod types;

use functions::plain_wildcard;
use relations::attr_call;
use reserved::{check_name, quote_reserved};

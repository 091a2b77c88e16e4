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
use super::names::{Catalog, normalize_ident, normalize_name, quoted_name};
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
}

#[derive(Debug, Clone)]
enum ItemKind {
    /// A base table: visible and hidden columns known.
    Table(std::sync::Arc<TableAccess>),
    /// A CTE, derived table, function or renamed table: columns not tracked.
    Opaque,
}

pub(crate) fn analyze(
    statement: &mut Statement,
    ctx: &GovernContext<'_>,
    param_count: usize,
) -> Result<Analysis, Denial> {
    let mut walker = Walker::new(ctx.dialect, ctx.catalog, ctx.policy, Mode::Caller);
    walker.param_count = param_count;
    walker.attrs = Some(ctx.attrs);
    if ctx.dialect == Dialect::Sqlite {
        walker.anonymous = anonymous_placeholders(statement);
    }
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
    /// CTE names visible at this point, innermost scope last.
    scopes: Vec<Vec<String>>,
    /// FROM items per SELECT, innermost last (outer ones serve correlated references).
    from: Vec<Vec<FromItem>>,
    /// Output aliases of the SELECT whose ORDER BY / GROUP BY is being walked.
    output_aliases: Vec<String>,
    analysis: Analysis,
    param_count: usize,
    attrs: Option<&'c BTreeMap<String, String>>,
    /// Attribute names a filter reads (filter mode).
    filter_attrs: Vec<String>,
    /// The table a filter belongs to (filter mode).
    pub(crate) filter_table: Option<String>,
    anonymous: Vec<Location>,
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
            attrs: None,
            filter_attrs: Vec::new(),
            filter_table: None,
            anonymous: Vec::new(),
        }
    }

    pub(crate) fn filter_attrs(self) -> Vec<String> {
        self.filter_attrs
    }

    fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn col_eq(&self, a: &str, b: &str) -> bool {
        match self.dialect {
            Dialect::Postgres => a == b,
            Dialect::Sqlite => a.eq_ignore_ascii_case(b),
        }
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
            let names: Vec<String> = with
                .cte_tables
                .iter()
                .map(|c| normalize_ident(self.dialect, &c.alias.name))
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
                    names.clone()
                } else {
                    names[..i].to_vec()
                };
                self.set_scope(visible);
                self.query(&mut cte.query)?;
            }
            self.set_scope(names);
        }
        let body_scope = self.set_expr(&mut q.body)?;
        if let Some(order_by) = &mut q.order_by {
            // ORDER BY of a plain SELECT sees its FROM items and its output aliases.
            let (items, aliases) = body_scope.unwrap_or_default();
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
        Ok(())
    }

    fn set_scope(&mut self, names: Vec<String>) {
        if let Some(top) = self.scopes.last_mut() {
            *top = names;
        }
    }

    fn is_cte(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .rev()
            .any(|s| s.iter().any(|n| n == name))
    }

    /// Walk a query body; for a plain SELECT, return its FROM items and output aliases.
    fn set_expr(&mut self, body: &mut SetExpr) -> Result<Option<SelectScope>, Denial> {
        match body {
            SetExpr::Select(select) => self.select(select).map(Some),
            SetExpr::Query(q) => self.query(q).map(|_| None),
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left)?;
                self.set_expr(right)?;
                Ok(None)
            }
            SetExpr::Values(values) => {
                for row in &mut values.rows {
                    for e in row.iter_mut() {
                        self.expr(e)?;
                    }
                }
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
        let result = self.select_in_scope(s);
        let items = self.from.pop().unwrap_or_default();
        result?;
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
        match &mut s.distinct {
            None | Some(Distinct::Distinct) | Some(Distinct::All) => {}
            Some(Distinct::On(exprs)) => {
                for e in exprs {
                    self.expr(e)?;
                }
            }
        }
        for item in &mut s.projection {
            self.select_item(item)?;
        }
        if let Some(e) = &mut s.selection {
            self.expr(e)?;
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
            self.expr(e)?;
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
                check_name(alias)?;
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

    fn table_with_joins(&mut self, twj: &mut TableWithJoins) -> Walk {
        self.table_factor(&mut twj.relation)?;
        for join in &mut twj.joins {
            self.join(join)?;
        }
        Ok(())
    }

    fn join(&mut self, join: &mut Join) -> Walk {
        if join.global {
            return Err(unsupported("GLOBAL JOIN"));
        }
        self.table_factor(&mut join.relation)?;
        let constraint = match &mut join.join_operator {
            JoinOperator::Join(c)
            | JoinOperator::Inner(c)
            | JoinOperator::Left(c)
            | JoinOperator::LeftOuter(c)
            | JoinOperator::Right(c)
            | JoinOperator::RightOuter(c)
            | JoinOperator::FullOuter(c)
            | JoinOperator::CrossJoin(c) => c,
            _ => return Err(unsupported("this join type")),
        };
        match constraint {
            JoinConstraint::On(e) => self.expr(e),
            JoinConstraint::Using(cols) => {
                for c in cols.iter() {
                    let [sqlparser::ast::ObjectNamePart::Identifier(ident)] = c.0.as_slice() else {
                        return Err(unsupported("qualified names in USING"));
                    };
                    // USING compares the column of both sides: hidden on either side leaks it.
                    let name = normalize_ident(self.dialect, ident);
                    if let Some(item) = self
                        .from
                        .last()
                        .and_then(|items| items.iter().find(|i| self.hides(i, &name)))
                    {
                        return Err(self.hidden(&item.name, &name));
                    }
                }
                Ok(())
            }
            JoinConstraint::Natural | JoinConstraint::None => Ok(()),
        }
    }

    fn table_factor(&mut self, tf: &mut TableFactor) -> Walk {
        let alias = match tf {
            TableFactor::Table { alias, .. }
            | TableFactor::Derived { alias, .. }
            | TableFactor::Function { alias, .. }
            | TableFactor::UNNEST { alias, .. }
            | TableFactor::NestedJoin { alias, .. } => alias.as_ref(),
            _ => None,
        };
        if let Some(a) = alias {
            check_name(&a.name)?;
            a.columns.iter().try_for_each(|c| check_name(&c.name))?;
        }
        match tf {
            TableFactor::Table {
                name,
                alias,
                args,
                with_hints,
                version,
                with_ordinality,
                partitions,
                json_path,
                sample,
                index_hints,
            } => {
                if !with_hints.is_empty()
                    || version.is_some()
                    || !partitions.is_empty()
                    || json_path.is_some()
                    || !index_hints.is_empty()
                {
                    return Err(unsupported("table hints, versions and partitions"));
                }
                if sample.is_some() {
                    return Err(unsupported("TABLESAMPLE"));
                }
                match args {
                    Some(table_args) => {
                        if table_args.settings.is_some() {
                            return Err(unsupported("SETTINGS in table functions"));
                        }
                        self.table_function(name)?;
                        for arg in &mut table_args.args {
                            self.function_arg(arg)?;
                        }
                        self.register_opaque(alias.as_ref(), None);
                        Ok(())
                    }
                    None if *with_ordinality => Err(unsupported("WITH ORDINALITY on a table")),
                    None => {
                        if let Some(replacement) = self.relation(name, alias)? {
                            *tf = replacement;
                        }
                        Ok(())
                    }
                }
            }
            TableFactor::Derived {
                lateral: _,
                subquery,
                alias,
                sample,
            } => {
                if sample.is_some() {
                    return Err(unsupported("TABLESAMPLE"));
                }
                self.query(subquery)?;
                self.register_opaque(alias.as_ref(), None);
                Ok(())
            }
            TableFactor::Function {
                lateral: _,
                name,
                args,
                with_ordinality: _,
                alias,
            } => {
                self.table_function(name)?;
                for arg in args {
                    self.function_arg(arg)?;
                }
                self.register_opaque(alias.as_ref(), None);
                Ok(())
            }
            TableFactor::UNNEST {
                array_exprs,
                with_offset,
                alias,
                ..
            } if self.dialect() == Dialect::Postgres => {
                if *with_offset {
                    return Err(unsupported("UNNEST ... WITH OFFSET"));
                }
                for e in array_exprs {
                    self.expr(e)?;
                }
                self.register_opaque(alias.as_ref(), None);
                Ok(())
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias: _,
            } => self.table_with_joins(table_with_joins),
            _ => Err(unsupported("this kind of FROM item")),
        }
    }

    fn register_opaque(&mut self, alias: Option<&TableAlias>, fallback: Option<String>) {
        // (names of aliases are checked in `table_factor`)
        let name = alias
            .map(|a| normalize_ident(self.dialect, &a.name))
            .or(fallback);
        if let (Some(name), Some(items)) = (name, self.from.last_mut()) {
            items.push(FromItem {
                name,
                kind: ItemKind::Opaque,
            });
        }
    }

    /// A table or view reference: a CTE in scope, or a catalog table the role is granted.
    /// Returns the derived table that replaces a restricted table.
    fn relation(
        &mut self,
        name: &mut ObjectName,
        alias: &Option<TableAlias>,
    ) -> Result<Option<TableFactor>, Denial> {
        let dialect = self.dialect();
        let shown = name.to_string();
        for part in &name.0 {
            if let sqlparser::ast::ObjectNamePart::Identifier(ident) = part {
                check_name(ident)?;
            }
        }
        let parts =
            normalize_name(dialect, name).ok_or_else(|| unsupported("a computed table name"))?;
        if let [single] = parts.as_slice()
            && self.is_cte(single)
        {
            self.register_opaque(alias.as_ref(), Some(single.clone()));
            return Ok(None);
        }
        let not_granted = || {
            Denial::new(
                Rule::TableNotGranted,
                format!(
                    "table {shown} does not exist or is not granted to role {}; call list_tables to see the tables you may query",
                    self.policy.name
                ),
            )
        };
        let table = match self.catalog.resolve(&parts) {
            Some(t) => t,
            None => return Err(not_granted()),
        };
        let resolved = table.name.clone();
        if self.mode == Mode::Filter {
            // Row filters are written by the DBA: qualify, never govern.
            *name = quoted_name(&resolved);
            return Ok(None);
        }
        let Some(access) = self.policy.access(&resolved) else {
            return Err(not_granted());
        };
        self.analysis.tables.push(resolved.clone());
        let ref_name = alias
            .as_ref()
            .map(|a| normalize_ident(dialect, &a.name))
            .unwrap_or_else(|| resolved.name.clone());
        let renamed = alias.as_ref().is_some_and(|a| !a.columns.is_empty());
        let kind = if renamed {
            ItemKind::Opaque
        } else {
            ItemKind::Table(access.clone())
        };
        if let Some(items) = self.from.last_mut() {
            items.push(FromItem {
                name: ref_name.clone(),
                kind,
            });
        }
        if !access.restricted() {
            *name = quoted_name(&resolved);
            return Ok(None);
        }
        let subquery = self.governed_subquery(&resolved, access)?;
        let alias = alias.clone().unwrap_or(TableAlias {
            explicit: true,
            name: Ident::with_quote('"', ref_name),
            columns: vec![],
            at: None,
        });
        Ok(Some(TableFactor::Derived {
            lateral: false,
            subquery: Box::new(subquery),
            alias: Some(alias),
            sample: None,
        }))
    }

    /// `SELECT <visible columns> FROM "schema"."table" WHERE <row filter>`, with the filter's
    /// attributes bound as parameters.
    fn governed_subquery(
        &mut self,
        table: &QualifiedName,
        access: &TableAccess,
    ) -> Result<Query, Denial> {
        let filter = match &access.filter {
            None => None,
            Some(f) => {
                let mut f = f.clone();
                self.bind_attributes(&mut f, table)?;
                Some(f)
            }
        };
        let projection = access
            .visible
            .iter()
            .map(|c| SelectItem::UnnamedExpr(Expr::Identifier(Ident::with_quote('"', c.clone()))))
            .collect();
        Ok(super::rewrite::select_from(
            quoted_name(table),
            projection,
            filter,
        ))
    }

    /// Replace each `attr('name')` of a filter with a placeholder bound to the principal's value.
    fn bind_attributes(&mut self, filter: &mut Expr, table: &QualifiedName) -> Walk {
        let attrs = self.attrs;
        let dialect = self.dialect;
        let base = self.param_count;
        let bound = &mut self.analysis.bound;
        let role = &self.policy.name;
        let mut failure: Option<Denial> = None;
        let _ = sqlparser::ast::visit_expressions_mut(filter, |e| {
            let Some(attr) = attr_call(e) else {
                return std::ops::ControlFlow::<()>::Continue(());
            };
            let Some(value) = attrs.and_then(|a| a.get(&attr)) else {
                failure = Some(Denial::new(
                    Rule::AttributeMissing,
                    format!(
                        "table {table} is filtered by the principal attribute `{attr}`, which this principal does not have; ask the operator to set it for role {role}"
                    ),
                ));
                return std::ops::ControlFlow::Break(());
            };
            bound.push(value.clone());
            let n = base + bound.len();
            let placeholder = match dialect {
                Dialect::Postgres => format!("${n}"),
                Dialect::Sqlite => format!("?{n}"),
            };
            *e = Expr::value(Value::Placeholder(placeholder));
            std::ops::ControlFlow::Continue(())
        });
        match failure {
            Some(d) => Err(d),
            None => Ok(()),
        }
    }

    fn hides(&self, item: &FromItem, column: &str) -> bool {
        matches!(&item.kind, ItemKind::Table(access) if access.hidden.iter().any(|h| self.col_eq(h, column)))
    }

    fn exposes(&self, item: &FromItem, column: &str) -> bool {
        match &item.kind {
            ItemKind::Table(access) => access.visible.iter().any(|v| self.col_eq(v, column)),
            ItemKind::Opaque => true,
        }
    }

    fn hidden(&self, table: &str, column: &str) -> Denial {
        Denial::new(
            Rule::ColumnHidden,
            format!(
                "column {table}.{column} is not visible to role {}; it may not be selected, filtered, joined, grouped or sorted on. Call describe_table for the visible columns",
                self.policy.name
            ),
        )
    }

    /// A column reference: denied if it names a column the role may not see.
    fn column(&self, parts: &[Ident]) -> Walk {
        if self.mode == Mode::Filter {
            return Ok(());
        }
        let names: Vec<String> = parts
            .iter()
            .map(|p| normalize_ident(self.dialect, p))
            .collect();
        match names.as_slice() {
            [column] => {
                if self.output_aliases.iter().any(|a| self.col_eq(a, column)) {
                    return Ok(());
                }
                // The innermost SELECT that has the name decides, as in the database.
                for items in self.from.iter().rev() {
                    if items.iter().any(|i| self.exposes(i, column)) {
                        return Ok(());
                    }
                    if let Some(item) = items.iter().find(|i| self.hides(i, column)) {
                        return Err(self.hidden(&item.name, column));
                    }
                }
                Ok(())
            }
            [.., qualifier, column] => {
                for items in self.from.iter().rev() {
                    if let Some(item) = items.iter().rev().find(|i| self.col_eq(&i.name, qualifier))
                    {
                        return if self.hides(item, column) {
                            Err(self.hidden(qualifier, column))
                        } else {
                            Ok(())
                        };
                    }
                }
                Ok(())
            }
            [] => Ok(()),
        }
    }

    fn function_name(&self, name: &ObjectName) -> Result<String, Denial> {
        let shown = name.to_string();
        let denied = || {
            Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "function {shown} is not allowed for role {}; use standard aggregate, window, date, string and JSON functions",
                    self.policy.name
                ),
            )
        };
        let parts = normalize_name(self.dialect(), name).ok_or_else(denied)?;
        match parts.as_slice() {
            [f] => Ok(f.clone()),
            [schema, f] if self.dialect() == Dialect::Postgres && schema == "pg_catalog" => {
                Ok(f.clone())
            }
            _ => Err(denied()),
        }
    }

    fn table_function(&mut self, name: &ObjectName) -> Walk {
        let f = self.function_name(name)?;
        if self.policy.table_function_allowed(self.dialect(), &f) {
            Ok(())
        } else {
            Err(Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "table function {name} is not allowed in FROM for role {}",
                    self.policy.name
                ),
            ))
        }
    }

    fn function(&mut self, f: &mut Function) -> Walk {
        if self.mode == Mode::Filter {
            let probe = Expr::Function(f.clone());
            if let Some(attr) = attr_call(&probe) {
                self.filter_attrs.push(attr);
                return Ok(());
            }
        }
        let name = self.function_name(&f.name)?;
        if !self.policy.function_allowed(self.dialect(), &name) {
            return Err(Denial::new(
                Rule::FunctionNotAllowed,
                format!(
                    "function {} is not allowed for role {}; use standard aggregate, window, date, string and JSON functions",
                    f.name, self.policy.name
                ),
            ));
        }
        if f.uses_odbc_syntax || !matches!(f.parameters, FunctionArguments::None) {
            return Err(unsupported("this function call syntax"));
        }
        if let Some(bound) = crate::policy::functions::bounded(self.dialect, &name) {
            self.check_bound(&name, bound, &f.args)?;
        }
        self.function_arguments(&mut f.args)?;
        for o in &mut f.within_group {
            self.order_by_expr(o)?;
        }
        if let Some(filter) = &mut f.filter {
            self.expr(filter)?;
        }
        match &mut f.over {
            None | Some(WindowType::NamedWindow(_)) => Ok(()),
            Some(WindowType::WindowSpec(spec)) => self.window_spec(spec),
        }
    }

    /// Arguments of value-building functions must keep the value small.
    fn check_bound(
        &self,
        name: &str,
        bound: crate::policy::functions::Bound,
        args: &FunctionArguments,
    ) -> Walk {
        use crate::policy::functions::{Bound, format_is_bounded};
        let FunctionArguments::List(list) = args else {
            return Err(self.unbounded(name));
        };
        let arg = |i: usize| match list.args.get(i) {
            Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) => Some(e),
            _ => None,
        };
        let ok = match bound {
            Bound::FormatString => {
                matches!(arg(0), Some(Expr::Value(v)) if matches!(&v.value, Value::SingleQuotedString(s) if format_is_bounded(s)))
            }
            Bound::Count { arg: i, max } => {
                let count_ok = matches!(arg(i), Some(Expr::Value(v)) if matches!(&v.value, Value::Number(n, _) if n.parse::<u64>().is_ok_and(|n| n <= max)));
                let base_ok = matches!(
                    arg(0),
                    Some(Expr::Value(_) | Expr::Identifier(_) | Expr::CompoundIdentifier(_))
                );
                count_ok && base_ok
            }
        };
        if ok {
            Ok(())
        } else {
            Err(self.unbounded(name))
        }
    }

    fn unbounded(&self, name: &str) -> Denial {
        Denial::new(
            Rule::FunctionNotAllowed,
            format!(
                "{name}(...) is allowed only with small literal sizes (widths of at most 3 digits, counts of at most 100-1000) over a column or literal; it can otherwise build huge values"
            ),
        )
    }

    fn function_arguments(&mut self, args: &mut FunctionArguments) -> Walk {
        match args {
            FunctionArguments::None => Ok(()),
            FunctionArguments::Subquery(q) => self.query(q),
            FunctionArguments::List(list) => {
                for arg in &mut list.args {
                    self.function_arg(arg)?;
                }
                for clause in &mut list.clauses {
                    match clause {
                        FunctionArgumentClause::OrderBy(exprs) => {
                            for o in exprs {
                                self.order_by_expr(o)?;
                            }
                        }
                        FunctionArgumentClause::IgnoreOrRespectNulls(_) => {}
                        FunctionArgumentClause::Limit(e) => self.expr(e)?,
                        FunctionArgumentClause::Separator(_)
                            if self.dialect() == Dialect::Sqlite => {}
                        _ => return Err(unsupported("this clause inside a function call")),
                    }
                }
                Ok(())
            }
        }
    }

    fn function_arg(&mut self, arg: &mut FunctionArg) -> Walk {
        let arg = match arg {
            FunctionArg::Unnamed(a) | FunctionArg::Named { arg: a, .. } => a,
            // `name => value` parses as an expression-named argument; the name must be a
            // plain identifier, and the value is walked like any other.
            FunctionArg::ExprNamed {
                name: Expr::Identifier(_),
                arg: a,
                ..
            } => a,
            FunctionArg::ExprNamed { .. } => return Err(unsupported("expression-named arguments")),
        };
        match arg {
            FunctionArgExpr::Expr(e) => self.expr(e),
            FunctionArgExpr::Wildcard | FunctionArgExpr::QualifiedWildcard(_) => Ok(()),
            FunctionArgExpr::WildcardWithOptions(_) => Err(unsupported("wildcard options")),
        }
    }

    fn window_spec(&mut self, spec: &mut WindowSpec) -> Walk {
        for e in &mut spec.partition_by {
            self.expr(e)?;
        }
        for o in &mut spec.order_by {
            self.order_by_expr(o)?;
        }
        if let Some(frame) = &mut spec.window_frame {
            for bound in std::iter::once(&mut frame.start_bound).chain(frame.end_bound.as_mut()) {
                match bound {
                    WindowFrameBound::CurrentRow => {}
                    WindowFrameBound::Preceding(e) | WindowFrameBound::Following(e) => {
                        if let Some(e) = e {
                            self.expr(e)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn order_by(&mut self, order_by: &mut OrderBy) -> Walk {
        if order_by.interpolate.is_some() {
            return Err(unsupported("ORDER BY ... INTERPOLATE"));
        }
        match &mut order_by.kind {
            OrderByKind::Expressions(exprs) => {
                for o in exprs {
                    self.order_by_expr(o)?;
                }
                Ok(())
            }
            OrderByKind::All(_) => Err(unsupported("ORDER BY ALL")),
        }
    }

    fn order_by_expr(&mut self, o: &mut OrderByExpr) -> Walk {
        if o.with_fill.is_some() {
            return Err(unsupported("ORDER BY ... WITH FILL"));
        }
        self.expr(&mut o.expr)
    }

    fn data_type(&self, dt: &DataType) -> Walk {
        match dt {
            DataType::Regclass | DataType::Table(_) | DataType::NamedTable { .. } => {
                Err(unsupported(&format!("the type {dt}")))
            }
            DataType::Custom(name, _) => {
                let parts = normalize_name(self.dialect(), name).unwrap_or_default();
                let ok = matches!(parts.as_slice(), [t] if matches!(t.as_str(),
                    "int2" | "int4" | "int8" | "float4" | "float8" | "timestamptz" | "timetz"
                    | "serial" | "bigserial" | "citext" | "money" | "inet" | "cidr" | "macaddr"
                    | "tsvector" | "tsquery" | "daterange" | "int4range" | "int8range"
                    | "numrange" | "tsrange" | "tstzrange" | "xid" | "oid"));
                if ok {
                    Ok(())
                } else {
                    Err(unsupported(&format!("a cast to the type {dt}")))
                }
            }
            DataType::Array(ArrayElemTypeDef::AngleBracket(inner))
            | DataType::Array(ArrayElemTypeDef::SquareBracket(inner, _))
            | DataType::Array(ArrayElemTypeDef::Parenthesis(inner))
            | DataType::Array(ArrayElemTypeDef::Qualified(inner, _)) => self.data_type(inner),
            _ => Ok(()),
        }
    }

    fn value(&self, v: &mut sqlparser::ast::ValueWithSpan) -> Walk {
        if let Value::Placeholder(p) = &v.value
            && p == "?"
            && self.dialect == Dialect::Sqlite
            && self.mode == Mode::Caller
        {
            // Number anonymous placeholders by their position in the text.
            let start = v.span.start;
            if let Some(i) = self.anonymous.iter().position(|l| *l == start) {
                v.value = Value::Placeholder(format!("?{}", i + 1));
            }
        }
        self.literal(&v.value)
    }

    fn literal(&self, v: &Value) -> Walk {
        match v {
            Value::Number(..)
            | Value::SingleQuotedString(_)
            | Value::DollarQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::UnicodeStringLiteral(_)
            | Value::NationalStringLiteral(_)
            | Value::HexStringLiteral(_)
            | Value::Boolean(_)
            | Value::Null => Ok(()),
            Value::Placeholder(_) if self.mode == Mode::Filter => Err(unsupported(
                "placeholders in a row filter (use attr('name'))",
            )),
            Value::Placeholder(p) => self.placeholder(p),
            _ => Err(unsupported("this kind of literal")),
        }
    }

    fn placeholder(&self, p: &str) -> Walk {
        let bad = |msg: String| Denial::new(Rule::Parameters, msg);
        let n = self.param_count;
        let index = match (self.dialect(), p) {
            (Dialect::Sqlite, "?") => 1,
            (Dialect::Postgres, _) | (Dialect::Sqlite, _) => {
                let digits = p.strip_prefix('$').or_else(|| p.strip_prefix('?'));
                match digits.and_then(|d| d.parse::<usize>().ok()) {
                    Some(i) => i,
                    None => {
                        return Err(bad(format!(
                            "placeholder {p} is not supported; use $1, $2, ... (PostgreSQL) or ?1, ?2, ... (SQLite) with the params array"
                        )));
                    }
                }
            }
        };
        if index == 0 || index > n {
            return Err(bad(format!(
                "placeholder {p} has no value: {n} parameter(s) were given in params"
            )));
        }
        Ok(())
    }

    pub(crate) fn expr(&mut self, e: &mut Expr) -> Walk {
        match e {
            Expr::Identifier(ident) if self.mode == Mode::Filter && self.from.is_empty() => {
                // A row filter's own columns are qualified with its table, so that no name
                // can ever resolve to a column of the caller's query around it.
                if let Some(table) = &self.filter_table {
                    *e = Expr::CompoundIdentifier(vec![
                        Ident::with_quote('"', table.clone()),
                        ident.clone(),
                    ]);
                }
                Ok(())
            }
            Expr::Identifier(ident) => {
                check_name(ident)?;
                self.column(std::slice::from_ref(ident))
            }
            Expr::CompoundIdentifier(parts) => {
                parts.iter().try_for_each(check_name)?;
                self.column(parts)
            }
            Expr::Value(v) => self.value(v),
            Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsNull(x)
            | Expr::IsNotNull(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x)
            | Expr::Nested(x)
            | Expr::IsNormalized { expr: x, .. } => self.expr(x),
            Expr::UnaryOp { op, expr: x } => {
                if !matches!(
                    op,
                    UnaryOperator::Plus
                        | UnaryOperator::Minus
                        | UnaryOperator::Not
                        | UnaryOperator::BitwiseNot
                ) {
                    return Err(unsupported(&format!("the unary operator {op}")));
                }
                self.expr(x)
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                self.expr(a)?;
                self.expr(b)
            }
            Expr::BinaryOp { left, op, right } => {
                binary_operator(op)?;
                self.expr(left)?;
                self.expr(right)
            }
            Expr::AnyOp { left, right, .. } | Expr::AllOp { left, right, .. } => {
                self.expr(left)?;
                self.expr(right)
            }
            Expr::InList { expr, list, .. } => {
                self.expr(expr)?;
                list.iter_mut().try_for_each(|x| self.expr(x))
            }
            Expr::InSubquery { expr, subquery, .. } => {
                self.expr(expr)?;
                self.query(subquery)
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                self.expr(expr)?;
                self.expr(low)?;
                self.expr(high)
            }
            Expr::Like {
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::ILike {
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::SimilarTo {
                expr,
                pattern,
                escape_char,
                ..
            } => {
                self.expr(expr)?;
                self.expr(pattern)?;
                match escape_char {
                    Some(esc) => self.expr(esc),
                    None => Ok(()),
                }
            }
            Expr::Cast {
                kind,
                expr,
                data_type,
                format,
            } => {
                if !matches!(kind, CastKind::Cast | CastKind::DoubleColon) || format.is_some() {
                    return Err(unsupported("this cast syntax"));
                }
                self.data_type(data_type)?;
                self.expr(expr)
            }
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                self.expr(timestamp)?;
                self.expr(time_zone)
            }
            Expr::Extract { expr, .. } => self.expr(expr),
            Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => self.expr(expr),
            Expr::Position { expr, r#in } => {
                self.expr(expr)?;
                self.expr(r#in)
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                self.expr(expr)?;
                for x in [substring_from, substring_for].into_iter().flatten() {
                    self.expr(x)?;
                }
                Ok(())
            }
            Expr::Trim {
                expr,
                trim_what,
                trim_characters,
                ..
            } => {
                self.expr(expr)?;
                if let Some(w) = trim_what {
                    self.expr(w)?;
                }
                for c in trim_characters.iter_mut().flatten() {
                    self.expr(c)?;
                }
                Ok(())
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                self.expr(expr)?;
                self.expr(overlay_what)?;
                self.expr(overlay_from)?;
                match overlay_for {
                    Some(x) => self.expr(x),
                    None => Ok(()),
                }
            }
            Expr::Collate { expr, .. } => self.expr(expr),
            Expr::TypedString(ts) => {
                self.data_type(&ts.data_type)?;
                self.literal(&ts.value.value)
            }
            Expr::Function(f) => self.function(f),
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                if let Some(op) = operand {
                    self.expr(op)?;
                }
                for cw in conditions {
                    self.expr(&mut cw.condition)?;
                    self.expr(&mut cw.result)?;
                }
                match else_result {
                    Some(x) => self.expr(x),
                    None => Ok(()),
                }
            }
            Expr::Exists { subquery, .. } | Expr::Subquery(subquery) => self.query(subquery),
            Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => {
                for set in sets {
                    for x in set {
                        self.expr(x)?;
                    }
                }
                Ok(())
            }
            Expr::Tuple(items) => items.iter_mut().try_for_each(|x| self.expr(x)),
            Expr::Array(array) => array.elem.iter_mut().try_for_each(|x| self.expr(x)),
            Expr::Interval(interval) => self.expr(&mut interval.value),
            Expr::CompoundFieldAccess { root, access_chain } => {
                self.expr(root)?;
                for access in access_chain {
                    match access {
                        sqlparser::ast::AccessExpr::Dot(x) => self.expr(x)?,
                        sqlparser::ast::AccessExpr::Subscript(Subscript::Index { index }) => {
                            self.expr(index)?
                        }
                        sqlparser::ast::AccessExpr::Subscript(Subscript::Slice {
                            lower_bound,
                            upper_bound,
                            stride,
                        }) => {
                            for x in [lower_bound, upper_bound, stride].into_iter().flatten() {
                                self.expr(x)?;
                            }
                        }
                    }
                }
                Ok(())
            }
            _ => Err(unsupported("this expression syntax")),
        }
    }
}

/// Reserved words (PostgreSQL's list, which covers SQLite's structural ones) that sqlparser
/// sometimes accepts as bare names. Printed bare, the database would read them as keywords and
/// the statement would change shape, so a bare one used as a name is refused; quoted is fine.
const RESERVED: &[&str] = &[
    "ALL",
    "ANALYSE",
    "ANALYZE",
    "AND",
    "ANY",
    "ARRAY",
    "AS",
    "ASC",
    "ASYMMETRIC",
    "BOTH",
    "CASE",
    "CAST",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "CONSTRAINT",
    "CREATE",
    "DEFAULT",
    "DEFERRABLE",
    "DESC",
    "DISTINCT",
    "DO",
    "ELSE",
    "END",
    "EXCEPT",
    "FALSE",
    "FETCH",
    "FOR",
    "FOREIGN",
    "FROM",
    "GRANT",
    "GROUP",
    "HAVING",
    "IN",
    "INITIALLY",
    "INTERSECT",
    "INTO",
    "LATERAL",
    "LEADING",
    "LIMIT",
    "NOT",
    "NULL",
    "OFFSET",
    "ON",
    "ONLY",
    "OR",
    "ORDER",
    "PLACING",
    "PRIMARY",
    "REFERENCES",
    "RETURNING",
    "SELECT",
    "SOME",
    "SYMMETRIC",
    "TABLE",
    "THEN",
    "TO",
    "TRAILING",
    "TRUE",
    "UNION",
    "UNIQUE",
    "USING",
    "VARIADIC",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
];

fn check_name(ident: &Ident) -> Walk {
    if ident.quote_style.is_none()
        && RESERVED
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&ident.value))
    {
        return Err(Denial::new(
            Rule::UnsupportedSyntax,
            format!(
                "`{}` is a reserved word; write it as a quoted name (\"{}\") if it is one",
                ident.value, ident.value
            ),
        ));
    }
    Ok(())
}

/// Operators with a clear meaning in PostgreSQL or SQLite. Custom and vendor operators are
/// refused: their printed form does not always read back the same (found by fuzzing).
fn binary_operator(op: &BinaryOperator) -> Walk {
    use BinaryOperator as B;
    match op {
        B::Plus
        | B::Minus
        | B::Multiply
        | B::Divide
        | B::Modulo
        | B::StringConcat
        | B::Gt
        | B::Lt
        | B::GtEq
        | B::LtEq
        | B::Eq
        | B::NotEq
        | B::And
        | B::Or
        | B::BitwiseOr
        | B::BitwiseAnd
        | B::PGBitwiseXor
        | B::PGBitwiseShiftLeft
        | B::PGBitwiseShiftRight
        | B::PGExp
        | B::PGOverlap
        | B::PGRegexMatch
        | B::PGRegexIMatch
        | B::PGRegexNotMatch
        | B::PGRegexNotIMatch
        | B::PGLikeMatch
        | B::PGILikeMatch
        | B::PGNotLikeMatch
        | B::PGNotILikeMatch
        | B::PGStartsWith
        | B::Arrow
        | B::LongArrow
        | B::HashArrow
        | B::HashLongArrow
        | B::AtArrow
        | B::ArrowAt
        | B::HashMinus
        | B::Question
        | B::QuestionAnd
        | B::QuestionPipe
        | B::AtQuestion
        | B::AtAt => Ok(()),
        other => Err(unsupported(&format!("the operator {other}"))),
    }
}

fn plain_wildcard(opts: &WildcardAdditionalOptions) -> Walk {
    if opts.opt_ilike.is_some()
        || opts.opt_exclude.is_some()
        || opts.opt_except.is_some()
        || opts.opt_replace.is_some()
        || opts.opt_rename.is_some()
        || opts.opt_alias.is_some()
    {
        return Err(unsupported(
            "wildcard modifiers (EXCLUDE, EXCEPT, REPLACE, RENAME)",
        ));
    }
    Ok(())
}

/// `attr('name')` -> `Some("name")`.
fn attr_call(e: &Expr) -> Option<String> {
    let Expr::Function(f) = e else {
        return None;
    };
    let [sqlparser::ast::ObjectNamePart::Identifier(ident)] = f.name.0.as_slice() else {
        return None;
    };
    if !ident.value.eq_ignore_ascii_case("attr") || ident.quote_style.is_some() {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

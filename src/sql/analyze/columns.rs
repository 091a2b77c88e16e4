//! The columns of FROM items, and qualified column references checked against them.
//!
//! PostgreSQL reads `x.f` as a call of the function `f` with the row (or value) `x` when `x`
//! has no column `f` (the functional notation of field selection): `q.ts_stat` over a
//! one-column function result ran `ts_stat(q)`, which runs any SQL text; `(1.5).pg_sleep`
//! slept. So on PostgreSQL a qualified reference is allowed only when governance knows that
//! the item it names has that column: a catalog table's visible columns, a CTE's or derived
//! table's output names (worked out the way PostgreSQL names them), a table function's
//! result columns, or the names of a column alias list. Field selection on an expression,
//! `(x).f`, is refused everywhere.

use super::*;

/// The most columns a select list may have, `*` expanded (PostgreSQL's limit).
pub(super) const MAX_SELECT_COLUMNS: usize = 1664;
/// The output name PostgreSQL gives an unnamed select-list expression (`FigureColname`), or
/// `?column?` where it gives none (as PostgreSQL does). Where governance is unsure of
/// PostgreSQL's name it gives none either: a name governance takes for a column that
/// PostgreSQL does not have would make `x.name` a function call.
pub(super) fn output_name(dialect: Dialect, e: &Expr) -> String {
    figure(dialect, e).0.unwrap_or_else(|| UNNAMED.to_string())
}

/// PostgreSQL's name for a column it cannot name.
const UNNAMED: &str = "?column?";

/// `FigureColnameInternal`: a name and its strength (2: a column or function name, 1: a
/// fallback such as `case` or a cast's type, 0: none).
fn figure(dialect: Dialect, e: &Expr) -> (Option<String>, u8) {
    let strong = |name: &str| (Some(name.to_string()), 2);
    match e {
        Expr::Identifier(ident) => (Some(normalize_ident(dialect, ident)), 2),
        Expr::CompoundIdentifier(parts) => (parts.last().map(|p| normalize_ident(dialect, p)), 2),
        Expr::CompoundFieldAccess { root, access_chain } => {
            match access_chain.iter().rev().find_map(|a| match a {
                sqlparser::ast::AccessExpr::Dot(Expr::Identifier(i)) => Some(i),
                _ => None,
            }) {
                Some(field) => (Some(normalize_ident(dialect, field)), 2),
                None => figure(dialect, root),
            }
        }
        Expr::Function(f) => match f.name.0.last() {
            Some(sqlparser::ast::ObjectNamePart::Identifier(i)) => {
                (Some(normalize_ident(dialect, i)), 2)
            }
            _ => (None, 0),
        },
        Expr::Nested(x) | Expr::Collate { expr: x, .. } => figure(dialect, x),
        // A cast keeps a strong name of what it casts, else takes its type's name.
        Expr::Cast {
            expr, data_type, ..
        } => match figure(dialect, expr) {
            named @ (_, 2) => named,
            _ => (type_name(data_type), 1),
        },
        Expr::TypedString(ts) => (type_name(&ts.data_type), 1),
        // CASE takes its ELSE's strong name, else `case`.
        Expr::Case { else_result, .. } => {
            match else_result.as_deref().map(|x| figure(dialect, x)) {
                Some(named @ (_, 2)) => named,
                _ => (Some("case".into()), 1),
            }
        }
        Expr::Extract { .. } => strong("extract"),
        Expr::Substring { .. } => strong("substring"),
        Expr::Position { .. } => strong("position"),
        Expr::Trim { trim_where, .. } => strong(match trim_where {
            Some(sqlparser::ast::TrimWhereField::Leading) => "ltrim",
            Some(sqlparser::ast::TrimWhereField::Trailing) => "rtrim",
            _ => "btrim",
        }),
        Expr::Overlay { .. } => strong("overlay"),
        Expr::AtTimeZone { .. } => strong("timezone"),
        Expr::Array(_) => strong("array"),
        Expr::Exists { .. } => strong("exists"),
        Expr::Subquery(q) => (first_output(dialect, q), 2),
        _ => (None, 0),
    }
}

/// The name of a cast's type as PostgreSQL's target list shows it (`int` is `int4`), for the
/// common types; `None` where unsure.
fn type_name(dt: &DataType) -> Option<String> {
    let name = match dt {
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => "int4",
        DataType::BigInt(_) | DataType::Int8(_) => "int8",
        DataType::SmallInt(_) | DataType::Int2(_) => "int2",
        DataType::Text => "text",
        DataType::Numeric(_) | DataType::Decimal(_) => "numeric",
        DataType::Date => "date",
        DataType::Boolean | DataType::Bool => "bool",
        DataType::Varchar(_) | DataType::CharacterVarying(_) => "varchar",
        DataType::DoublePrecision | DataType::Float8 => "float8",
        DataType::Real | DataType::Float4 => "float4",
        _ => return None,
    };
    Some(name.into())
}

/// The name of a query's first output column, syntactically (a scalar subquery's column).
fn first_output(dialect: Dialect, q: &Query) -> Option<String> {
    let SetExpr::Select(s) = leftmost(&q.body)? else {
        return None;
    };
    match s.projection.first()? {
        SelectItem::UnnamedExpr(e) => figure(dialect, e).0,
        SelectItem::ExprWithAlias { alias, .. } => Some(normalize_ident(dialect, alias)),
        _ => None,
    }
}

fn leftmost(body: &SetExpr) -> Option<&SetExpr> {
    match body {
        SetExpr::SetOperation { left, .. } => leftmost(left),
        SetExpr::Query(q) => leftmost(&q.body),
        other => Some(other),
    }
}

/// A query's output names read off its text alone (no `*`): what a recursive CTE's own
/// references see while its body is walked.
pub(super) fn syntactic_outputs(dialect: Dialect, q: &Query) -> Option<Vec<String>> {
    match leftmost(&q.body)? {
        SetExpr::Select(s) => s
            .projection
            .iter()
            .map(|item| match item {
                SelectItem::UnnamedExpr(e) => Some(output_name(dialect, e)),
                SelectItem::ExprWithAlias { alias, .. } => Some(normalize_ident(dialect, alias)),
                _ => None,
            })
            .collect(),
        SetExpr::Values(v) => Some(values_columns(v)),
        _ => None,
    }
}

pub(super) fn values_columns(v: &sqlparser::ast::Values) -> Vec<String> {
    let n = v.rows.first().map_or(0, |r| r.len());
    (1..=n).map(|i| format!("column{i}")).collect()
}

/// Names from a column alias list replace the first columns; with the base unknown, the list
/// is all that is known.
pub(super) fn renamed(
    dialect: Dialect,
    alias: Option<&TableAlias>,
    base: Option<super::Columns>,
) -> Option<super::Columns> {
    let names: Vec<String> = alias
        .map(|a| {
            a.columns
                .iter()
                .map(|c| normalize_ident(dialect, &c.name))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        return base;
    }
    let rest: Vec<String> =
        base.map_or_else(Vec::new, |b| b.iter().skip(names.len()).cloned().collect());
    Some(names.into_iter().chain(rest).collect())
}

/// Whether `e` is an array by its syntax alone: an array constructor, a cast to an array
/// type, or a function that returns an array whatever its input.
pub(super) fn is_array(e: &Expr) -> bool {
    match e {
        Expr::Array(_) => true,
        Expr::Nested(x) => is_array(x),
        Expr::Cast { data_type, .. } => matches!(data_type, DataType::Array(_)),
        Expr::Function(f) => matches!(
            f.name.0.as_slice(),
            [sqlparser::ast::ObjectNamePart::Identifier(i)] if i.quote_style.is_none() && matches!(
                i.value.to_ascii_lowercase().as_str(),
                "array" | "array_agg" | "string_to_array" | "regexp_split_to_array"
                    | "array_append" | "array_prepend" | "array_cat" | "array_remove"
                    | "array_replace" | "regexp_match"
            )
        ),
        _ => false,
    }
}

/// A PostgreSQL table function's result columns (before any column alias list): one column
/// named for the alias (or the function) when it returns a single value.
pub(super) fn function_columns(
    dialect: Dialect,
    name: &ObjectName,
    alias: Option<&TableAlias>,
    ordinality: bool,
) -> Option<Vec<String>> {
    if dialect != Dialect::Postgres {
        return None;
    }
    let [sqlparser::ast::ObjectNamePart::Identifier(ident)] = name.0.as_slice() else {
        return None;
    };
    let function = normalize_ident(dialect, ident);
    let mut columns: Vec<String> = match function.as_str() {
        // One value, no named OUT parameter: the column is named for the alias (or the
        // function). These were checked against pg_proc.proargnames.
        "generate_series"
        | "regexp_split_to_table"
        | "string_to_table"
        | "regexp_matches"
        | "generate_subscripts"
        | "json_object_keys"
        | "jsonb_object_keys" => vec![
            alias
                .map(|a| normalize_ident(dialect, &a.name))
                .unwrap_or(function),
        ],
        // (not `unnest`: over a tsvector it has the columns lexeme, positions, weights, and
        // the argument's type is not known here; a column alias list names its columns)
        // One value with a named OUT parameter: PostgreSQL names the column for the
        // parameter, whatever the alias (`AS ts_stat` still has the column `value`; taking
        // it for `ts_stat` made `ts_stat.ts_stat` the call `ts_stat(value)`).
        "json_array_elements"
        | "json_array_elements_text"
        | "jsonb_array_elements"
        | "jsonb_array_elements_text" => vec!["value".into()],
        "json_each" | "json_each_text" | "jsonb_each" | "jsonb_each_text" => {
            vec!["key".into(), "value".into()]
        }
        // A record: its columns are the column definition list's, which PostgreSQL requires.
        "json_to_record" | "jsonb_to_record" | "json_to_recordset" | "jsonb_to_recordset" => alias?
            .columns
            .iter()
            .map(|c| normalize_ident(dialect, &c.name))
            .collect(),
        _ => return None,
    };
    if ordinality {
        columns.push("ordinality".into());
    }
    Some(columns)
}

/// Whether a join in `twj` merges columns (USING, NATURAL): its `*` has each merged column
/// once, first, which governance does not model.
pub(super) fn merges_columns(twj: &TableWithJoins) -> bool {
    let nested = |tf: &TableFactor| match tf {
        TableFactor::NestedJoin {
            table_with_joins, ..
        } => merges_columns(table_with_joins),
        _ => false,
    };
    nested(&twj.relation)
        || twj.joins.iter().any(|j| {
            nested(&j.relation)
                || join_constraint!(&j.join_operator)
                    .is_none_or(|c| matches!(c, JoinConstraint::Using(_) | JoinConstraint::Natural))
        })
}

impl Walker<'_> {
    /// A name the database gives every row of a table without it being a declared column
    /// (SQLite's rowid, PostgreSQL's system columns): left to the database for a table read as
    /// it is; a restricted table's derived table has none (see [`Self::no_system_column`]).
    pub(super) fn system_column(&self, column: &str) -> bool {
        let names: &[&str] = match self.dialect {
            Dialect::Sqlite => &["rowid", "_rowid_", "oid"],
            Dialect::Postgres => &["ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"],
        };
        names.iter().any(|c| column.eq_ignore_ascii_case(c))
    }

    /// An unqualified system column (SQLite's `rowid`, PostgreSQL's `ctid`, ...) that no FROM
    /// item shows, where the SELECT reads a table through the role's view of it: that derived
    /// table has no such column, so SQLite would answer NULL for every row (a wrong result
    /// that looks right) and PostgreSQL an error that names no reason. Refused with one.
    /// ([`Self::rowid_key`] already turned the `rowid` of a table whose `INTEGER PRIMARY KEY`
    /// the role sees into that column.)
    pub(super) fn system_column_of_view(&self, column: &str) -> Result<(), Denial> {
        if !self.system_column(column) {
            return Ok(());
        }
        let viewed = self.from.last().and_then(|items| {
            items.iter().find(|i| match &i.kind {
                ItemKind::Table(access) => access.restricted(),
                _ => false,
            })
        });
        match viewed {
            Some(item) => Err(self.no_system_column(item, column)),
            None => Ok(()),
        }
    }

    /// The refusal of system column `column` of `item`, a table read through the role's view.
    pub(super) fn no_system_column(&self, item: &FromItem, column: &str) -> Denial {
        Denial::new(
            Rule::ColumnHidden,
            format!(
                "{column} is not available on {}, which role {} reads through its policy (a filtered or column-limited view of the table has no {column}); select the table's key columns instead",
                item.name, self.policy.name
            ),
        )
    }

    /// SQLite's `rowid` (`_rowid_`, `oid`) of a filtered table, which its derived table does
    /// not have: the table's `INTEGER PRIMARY KEY` column, which is that rowid (and which
    /// SQLite names the result column after, too), when the role may see it.
    pub(super) fn rowid_key(&self, parts: &[Ident]) -> Option<Ident> {
        if self.dialect != Dialect::Sqlite || self.mode != Mode::Caller {
            return None;
        }
        let names = self.normalized(parts);
        let (column, qualifier) = names.split_last()?;
        if !self.system_column(column) {
            return None;
        }
        // (ORDER BY / GROUP BY `rowid` names an output column so named first)
        if qualifier.is_empty() && self.output_aliases.iter().any(|a| self.col_eq(a, column)) {
            return None;
        }
        let item = match qualifier {
            [] => match self.from.last()?.as_slice() {
                [only] => only,
                _ => return None,
            },
            [.., q] => self.item_named(q)?,
        };
        let ItemKind::Table(access) = &item.kind else {
            return None;
        };
        if !access.restricted() || self.exposes(item, column) {
            return None;
        }
        let name = item.table.as_ref()?;
        let table = self.catalog.get(&name.schema, &name.name)?;
        let [key] = table.primary_key.as_slice() else {
            return None;
        };
        let at = table.columns.iter().position(|c| c == key)?;
        let integer = table
            .types
            .get(at)
            .is_some_and(|t| t.eq_ignore_ascii_case("integer"));
        (integer && self.exposes(item, key)).then(|| Ident::with_quote('"', key.clone()))
    }

    /// The output columns of a SELECT whose FROM items are `items`; `None` when a `*` covers
    /// an item whose columns are not known, or columns merged by USING or NATURAL. Past
    /// [`MAX_SELECT_COLUMNS`] the list stops growing (the caller refuses it): `SELECT *` over a
    /// CTE joined to itself doubles its columns per level, 2^24 names from a 1 KB statement.
    pub(super) fn select_columns(&self, s: &Select, items: &[FromItem]) -> Option<Vec<String>> {
        let mut out = Vec::with_capacity(s.projection.len());
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) => out.push(output_name(self.dialect, e)),
                SelectItem::ExprWithAlias { alias, .. } => {
                    out.push(normalize_ident(self.dialect, alias))
                }
                SelectItem::Wildcard(_) if s.from.iter().any(merges_columns) => return None,
                SelectItem::Wildcard(_) => {
                    for i in items {
                        out.extend(self.columns_of(i)?.iter().cloned());
                        if out.len() > MAX_SELECT_COLUMNS {
                            return Some(out);
                        }
                    }
                }
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(name),
                    _,
                ) => {
                    let qualifier = match name.0.last()? {
                        sqlparser::ast::ObjectNamePart::Identifier(i) => {
                            normalize_ident(self.dialect, i)
                        }
                        _ => return None,
                    };
                    let i = items
                        .iter()
                        .rev()
                        .find(|i| self.col_eq(&i.name, &qualifier))?;
                    out.extend(self.columns_of(i)?.iter().cloned());
                    if out.len() > MAX_SELECT_COLUMNS {
                        return Some(out);
                    }
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// The columns of a FROM item, where known.
    pub(super) fn columns_of<'i>(&self, item: &'i FromItem) -> Option<&'i [String]> {
        match &item.kind {
            ItemKind::Table(access) => Some(&access.visible),
            ItemKind::Opaque(columns) => columns.as_deref(),
        }
    }

    /// A reference `qualifier.column` on PostgreSQL: the item must be in scope and known to
    /// have that column (see the module's doc).
    pub(super) fn qualified_column(&self, item: Option<&FromItem>, parts: &[String]) -> Walk {
        let shown = parts.join(".");
        let [qualifier, column] = parts else {
            return Err(Denial::new(
                Rule::UnknownColumn,
                format!(
                    "{shown}: qualify a column with one table name or alias from the FROM clause (table.column); \
                     longer names and fields of composite values are not supported"
                ),
            ));
        };
        let Some(item) = item else {
            return Err(Denial::new(
                Rule::UnknownColumn,
                format!(
                    "{shown}: {qualifier} is not a table, alias or CTE in the FROM clause; qualify a column with \
                     one of those (fields of composite values are not supported)"
                ),
            ));
        };
        // Should governance's idea of which item a qualifier names ever differ from the
        // database's, a table function of that name without the column (in scope at any
        // level, or out of sight from here) would make `x.f` the call `f(x)` of a single
        // value: refused outright, whichever item governance found.
        if let Some(f) = self
            .from
            .iter()
            .flatten()
            .chain(&self.out_of_sight)
            .find(|f| {
                f.function
                    && self.col_eq(&f.name, qualifier)
                    && !self
                        .columns_of(f)
                        .is_some_and(|cs| cs.iter().any(|c| self.col_eq(c, column)))
            })
        {
            return Err(Denial::new(
                Rule::UnknownColumn,
                format!(
                    "{shown}: a table function in this statement is named {}, and it has no column {column}; \
                     give the FROM items distinct aliases",
                    f.name
                ),
            ));
        }
        match self.columns_of(item) {
            Some(columns) if columns.iter().any(|c| self.col_eq(c, column)) => Ok(()),
            Some(_) if matches!(item.kind, ItemKind::Table(_)) => {
                Err(self.hidden(qualifier, column))
            }
            Some(columns) => Err(Denial::new(
                Rule::UnknownColumn,
                format!(
                    "{qualifier} has no column {column}; its columns are: {}",
                    columns.join(", ")
                ),
            )),
            None => Err(Denial::new(
                Rule::UnsupportedSyntax,
                format!(
                    "the columns of {qualifier} are not known to the SQL governance, and PostgreSQL would read \
                     {shown} as a function call if {qualifier} had no column {column}; name the column without \
                     the qualifier, or list the columns: AS {qualifier}(col1, col2, ...)"
                ),
            )),
        }
    }
}

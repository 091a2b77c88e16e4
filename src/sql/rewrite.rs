//! Rewrite a governed statement: EXPLAIN wrapping and row-cap push-down.
//!
//! Input: an analyzed statement. Output: the same statement with the row cap pushed in as
//! `LIMIT cap+1` (so the result can say `truncated`), never loosening a smaller caller LIMIT.
//! Statements are changed by editing the AST, never by splicing text.

use sqlparser::ast::{
    DescribeAlias, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList,
    FunctionArguments, Ident, LimitClause, ObjectName, Query, Select, SelectFlavor, SelectItem,
    SetExpr, Statement, TableAlias, TableFactor, TableWithJoins, Value, WildcardAdditionalOptions,
};

use super::Dialect;

/// Wrap a query in EXPLAIN (an EXPLAIN given by the caller is kept as it is).
pub(crate) fn into_explain(statement: Statement, dialect: Dialect) -> Statement {
    if matches!(statement, Statement::Explain { .. }) {
        return statement;
    }
    Statement::Explain {
        describe_alias: DescribeAlias::Explain,
        analyze: false,
        verbose: false,
        // SQLite's plain EXPLAIN prints bytecode; its query plan is what a reader wants.
        query_plan: dialect.explains_query_plan(),
        estimate: false,
        statement: Box::new(statement),
        format: None,
        options: None,
    }
}

/// Push `LIMIT cap+1` into the outermost query.
pub(crate) fn push_row_cap(statement: &mut Statement, cap: u64, dialect: Dialect) {
    let Statement::Query(query) = statement else {
        // EXPLAIN output is small and bounded by the fetch cap.
        return;
    };
    let fetch = cap.saturating_add(1);
    // SQLite does not accept LIMIT directly after a bare VALUES list.
    if !dialect.limits_bare_values() && matches!(*query.body, SetExpr::Values(_)) {
        wrap(query, fetch);
        return;
    }
    let has_fetch = query.fetch.is_some();
    match &mut query.limit_clause {
        None if !has_fetch => {
            query.limit_clause = Some(LimitClause::LimitOffset {
                limit: Some(number(fetch)),
                offset: None,
                limit_by: vec![],
            });
        }
        Some(LimitClause::LimitOffset {
            limit, limit_by, ..
        }) if !has_fetch && limit_by.is_empty() => match limit.as_ref().and_then(literal_u64) {
            Some(n) if n <= fetch => {}
            Some(_) => *limit = Some(number(fetch)),
            None if limit.is_none() => *limit = Some(number(fetch)),
            None => wrap(query, fetch),
        },
        _ => wrap(query, fetch),
    }
}

fn literal_u64(e: &Expr) -> Option<u64> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, false) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn number(n: u64) -> Expr {
    Expr::value(Value::Number(n.to_string(), false))
}

/// `SELECT * FROM (<query>) AS sqlwarden_q LIMIT n`, for limits that are not a plain number.
fn wrap(query: &mut Box<Query>, fetch: u64) {
    let inner = std::mem::replace(query, Box::new(empty_query()));
    let derived = TableFactor::Derived {
        lateral: false,
        subquery: inner,
        alias: Some(TableAlias {
            explicit: true,
            name: Ident::new("sqlwarden_q"),
            columns: vec![],
            at: None,
        }),
        sample: None,
    };
    let mut outer = select_over(
        Some(derived),
        vec![SelectItem::Wildcard(WildcardAdditionalOptions::default())],
        None,
    );
    outer.limit_clause = Some(LimitClause::LimitOffset {
        limit: Some(number(fetch)),
        offset: None,
        limit_by: vec![],
    });
    **query = outer;
}

/// `SELECT <projection> FROM <table> [WHERE <filter>]`.
pub(crate) fn select_from(
    table: ObjectName,
    projection: Vec<SelectItem>,
    filter: Option<Expr>,
) -> Query {
    select_over(Some(table_factor(table, None)), projection, filter)
}

/// `<name> [AS <alias>]`, a plain table reference.
pub(crate) fn table_factor(name: ObjectName, alias: Option<TableAlias>) -> TableFactor {
    TableFactor::Table {
        name,
        alias,
        args: None,
        with_hints: vec![],
        version: None,
        with_ordinality: false,
        partitions: vec![],
        json_path: None,
        sample: None,
        index_hints: vec![],
    }
}

/// `(SELECT <expr>)`: a scalar subquery without FROM. PostgreSQL runs it only when a row
/// reaches it and never folds it while planning (a constant expression may be evaluated
/// to estimate a plan's rows, even on a branch no row takes).
pub(crate) fn scalar_subquery(expr: Expr) -> Expr {
    Expr::Subquery(Box::new(select_over(
        None,
        vec![SelectItem::UnnamedExpr(expr)],
        None,
    )))
}

pub(crate) fn select_over(
    relation: Option<TableFactor>,
    projection: Vec<SelectItem>,
    selection: Option<Expr>,
) -> Query {
    let select = Select {
        select_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
        optimizer_hints: vec![],
        distinct: None,
        select_modifiers: None,
        top: None,
        top_before_distinct: false,
        projection,
        exclude: None,
        into: None,
        from: relation
            .map(|relation| TableWithJoins {
                relation,
                joins: vec![],
            })
            .into_iter()
            .collect(),
        lateral_views: vec![],
        prewhere: None,
        selection,
        connect_by: vec![],
        group_by: sqlparser::ast::GroupByExpr::Expressions(vec![], vec![]),
        cluster_by: vec![],
        distribute_by: vec![],
        sort_by: vec![],
        having: None,
        named_window: vec![],
        qualify: None,
        window_before_qualify: false,
        value_table_mode: None,
        flavor: SelectFlavor::Standard,
    };
    let mut q = empty_query();
    q.body = Box::new(SetExpr::Select(Box::new(select)));
    q
}

fn empty_query() -> Query {
    Query {
        with: None,
        body: Box::new(SetExpr::Values(sqlparser::ast::Values {
            explicit_row: false,
            value_keyword: false,
            rows: vec![],
        })),
        order_by: None,
        limit_clause: None,
        fetch: None,
        locks: vec![],
        for_clause: None,
        settings: None,
        format_clause: None,
        pipe_operators: vec![],
    }
}

/// `name(args...)`, a plain call.
pub(crate) fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(Function {
        name: ObjectName::from(vec![Ident::new(name)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args
                .into_iter()
                .map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a)))
                .collect(),
            clauses: vec![],
        }),
        within_group: vec![],
        filter: None,
        null_treatment: None,
        over: None,
    })
}

/// The leftmost SELECT of a query: the one whose items name a result's columns.
fn naming_select(body: &mut SetExpr) -> Option<&mut Select> {
    match body {
        SetExpr::Select(s) => Some(s),
        SetExpr::SetOperation { left, .. } => naming_select(left),
        SetExpr::Query(q) => naming_select(&mut q.body),
        _ => None,
    }
}

/// The caller's text of each unaliased result column that is not a plain column name: as
/// written in `sql` where that text is read as the same expression, else as printed before
/// governance (see [`keep_output_names`]).
pub(crate) fn output_texts(
    statement: &mut Statement,
    sql: &str,
    dialect: Dialect,
) -> Vec<Option<String>> {
    let Statement::Query(q) = statement else {
        return vec![];
    };
    let Some(select) = naming_select(&mut q.body) else {
        return vec![];
    };
    let unnamed = |item: &SelectItem| {
        matches!(item, SelectItem::UnnamedExpr(e)
            if !matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)))
    };
    let written = if select.projection.iter().any(unnamed) {
        super::source::select_list(sql, dialect)
            .filter(|texts| texts.len() == select.projection.len())
    } else {
        None
    };
    select
        .projection
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            SelectItem::UnnamedExpr(e) if unnamed(item) => Some(
                written
                    .as_ref()
                    .map(|w| w[i].clone())
                    .filter(|w| super::source::reads_as(w, e, dialect))
                    .unwrap_or_else(|| e.to_string()),
            ),
            _ => None,
        })
        .collect()
}

/// SQLite names an unaliased result column after its text in the SQL it ran: for a column
/// governance rewrote (a scalar subquery over a fenced table), that text is the fence, row
/// filter and ungranted tables included. Such a column is aliased with the caller's text
/// (`before`, from [`output_texts`]) instead.
pub(crate) fn keep_output_names(statement: &mut Statement, before: &[Option<String>]) {
    let Statement::Query(q) = statement else {
        return;
    };
    let Some(select) = naming_select(&mut q.body) else {
        return;
    };
    for (item, before) in select.projection.iter_mut().zip(before) {
        let (SelectItem::UnnamedExpr(e), Some(text)) = (&*item, before) else {
            continue;
        };
        if e.to_string() != *text {
            let expr = e.clone();
            *item = SelectItem::ExprWithAlias {
                expr,
                alias: Ident::with_quote('"', text.clone()),
            };
        }
    }
}

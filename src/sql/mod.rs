//! Governance: the only module that imports `sqlparser::ast`.
//!
//! Input: caller SQL text, the target database's [`Dialect`] and [`Catalog`], the caller's role
//! compiled for that database ([`CompiledRole`], see [`compile`]) and attributes. Output: a
//! [`GovernedQuery`] (the SQL printed from the governed AST, its bound parameters and the row
//! cap) or a [`GovernError`] that names the rule which denied it.
//!
//! Stages: `parse` (token checks: one statement, length, invisible Unicode, operator-chain
//! depth, literals that would not print back faithfully; then allowed kinds) -> `analyze` (walks
//! every node with an allow-list; resolves and authorizes each table, column and function
//! reference against the role; rewrites table references) -> `rewrite` (row-cap push-down,
//! AST builders) -> print. It must never let text through that it did not parse, and
//! every AST node kind it does not understand is denied (`_ => deny`).

/// The constraint of a join of a type governance supports (`None`: any other type), by
/// reference or mutably, whichever `$op` is: the one list of supported join types.
macro_rules! join_constraint {
    ($op:expr) => {
        match $op {
            sqlparser::ast::JoinOperator::Join(c)
            | sqlparser::ast::JoinOperator::Inner(c)
            | sqlparser::ast::JoinOperator::Left(c)
            | sqlparser::ast::JoinOperator::LeftOuter(c)
            | sqlparser::ast::JoinOperator::Right(c)
            | sqlparser::ast::JoinOperator::RightOuter(c)
            | sqlparser::ast::JoinOperator::FullOuter(c)
            | sqlparser::ast::JoinOperator::CrossJoin(c) => Some(c),
            _ => None,
        }
    };
}

pub(crate) mod analyze;
mod compile;
mod expansion;
mod explain;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod named;
pub(crate) mod names;
mod params;
pub(crate) mod parse;
mod respell;
pub(crate) mod rewrite;
mod source;

use std::fmt;

pub use compile::{Compiled, CompiledRole, TableAccess, compile};
pub use explain::PlanRedaction;
pub use named::{NamedError, Numbered, check_syntax, number_placeholders};
pub use names::{Catalog, CatalogTable, QualifiedName, parse_table_name};
pub use params::ParamType;

pub use crate::dialect::Dialect;

/// Stable denial rule ids: the same string in the tool error, logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    SqlTooLong,
    InvisibleUnicode,
    MultipleStatements,
    StatementKind,
    ExplainAnalyze,
    SelectInto,
    LockingClause,
    TableNotGranted,
    FunctionNotAllowed,
    UnsupportedSyntax,
    Parameters,
    ColumnHidden,
    UnknownColumn,
    AttributeMissing,
    UnknownDatabase,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::SqlTooLong => "sql_too_long",
            Rule::InvisibleUnicode => "invisible_unicode",
            Rule::MultipleStatements => "multiple_statements",
            Rule::StatementKind => "statement_kind",
            Rule::ExplainAnalyze => "explain_analyze",
            Rule::SelectInto => "select_into",
            Rule::LockingClause => "locking_clause",
            Rule::TableNotGranted => "table_not_granted",
            Rule::FunctionNotAllowed => "function_not_allowed",
            Rule::UnsupportedSyntax => "unsupported_syntax",
            Rule::Parameters => "parameters",
            Rule::ColumnHidden => "column_hidden",
            Rule::UnknownColumn => "unknown_column",
            Rule::AttributeMissing => "attribute_missing",
            Rule::UnknownDatabase => "unknown_database",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A statement the policy refuses. A value, not a failure: it is rendered to the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Denial {
    pub rule: Rule,
    /// A sentence a model can act on. Never contains data the role may not see.
    pub message: String,
}

impl Denial {
    pub(crate) fn new(rule: Rule, message: impl Into<String>) -> Self {
        Denial {
            rule,
            message: message.into(),
        }
    }
}

/// Why governance refused a statement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GovernError {
    /// The text is not a statement the parser understands.
    #[error("{0}")]
    Parse(String),
    /// The statement parsed but the policy denies it.
    #[error(transparent)]
    Denied(#[from] Denial),
}

/// What the caller asked for: rows, or a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `query`: run it and return rows (row cap pushed down as LIMIT cap+1).
    Query { max_rows: u64 },
    /// `explain_query`: wrap it in EXPLAIN (without ANALYZE).
    Explain,
}

/// What governance needs to know about the caller and the target.
pub struct GovernContext<'a> {
    pub dialect: Dialect,
    pub catalog: &'a Catalog,
    /// The caller's role, compiled for this database.
    pub policy: &'a CompiledRole,
    /// The caller's attributes (row filters bind them as parameters).
    pub attrs: &'a std::collections::BTreeMap<String, String>,
    pub max_sql_len: usize,
}

/// A statement that passed governance. Only [`govern`] makes one, and `db::execute` takes
/// nothing else, so unguarded SQL cannot reach the database.
#[derive(Debug, Clone, PartialEq)]
pub struct GovernedQuery {
    sql: String,
    params: Vec<serde_json::Value>,
    /// Rows the caller may see; the statement fetches at most one more to detect truncation.
    row_cap: Option<u64>,
    tables: Vec<QualifiedName>,
    /// For an EXPLAIN: how its plan is printed for this role (see `explain`).
    plan: Option<PlanRedaction>,
    /// How many of `params` are the caller's (the rest are bound attribute values).
    caller_params: usize,
}

impl GovernedQuery {
    /// The SQL printed from the governed AST: what the database runs.
    pub fn sql(&self) -> &str {
        &self.sql
    }
    /// Parameters bound positionally, in order.
    pub fn params(&self) -> &[serde_json::Value] {
        &self.params
    }
    pub fn row_cap(&self) -> Option<u64> {
        self.row_cap
    }
    /// The base tables the statement reads (after resolution).
    pub fn tables(&self) -> &[QualifiedName] {
        &self.tables
    }
    /// For an EXPLAIN, how each line of its plan must be printed for the caller's role.
    pub fn plan_redaction(&self) -> Option<&PlanRedaction> {
        self.plan.as_ref()
    }

    /// The decision without the caller's values, as the decision cache keeps it (a call's
    /// parameters can be megabytes).
    pub(crate) fn unbound(&self) -> UnboundQuery {
        let attrs = self.params.get(self.caller_params..).unwrap_or_default();
        UnboundQuery(GovernedQuery {
            sql: self.sql.clone(),
            params: attrs.to_vec(),
            row_cap: self.row_cap,
            tables: self.tables.clone(),
            plan: self.plan.clone(),
            caller_params: self.caller_params,
        })
    }
}

/// A governed statement whose `params` hold only the bound attribute values.
#[derive(Debug, Clone)]
pub(crate) struct UnboundQuery(GovernedQuery);

impl UnboundQuery {
    /// The statement bound to a call's own values, which must be as many as the caller's that
    /// made the decision.
    pub(crate) fn bind(&self, params: &[serde_json::Value]) -> Option<GovernedQuery> {
        if params.len() != self.0.caller_params {
            return None;
        }
        let mut q = self.0.clone();
        q.params = params.iter().chain(&self.0.params).cloned().collect();
        Some(q)
    }

    /// Bytes it holds, about (for the cache's bound).
    pub(crate) fn weight(&self) -> usize {
        self.0.sql.len()
            + self
                .0
                .params
                .iter()
                .map(|p| p.to_string().len())
                .sum::<usize>()
            + self.0.tables.len() * 64
    }
}

/// The JSON type of each parameter, which is all of a parameter governance looks at (the
/// row-filter barrier asks whether a parameter is a number, a string, ...): one byte each.
pub(crate) fn param_types(params: &[serde_json::Value]) -> Vec<u8> {
    params
        .iter()
        .map(|v| match v {
            serde_json::Value::Null => b'n',
            serde_json::Value::Bool(_) => b'b',
            serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => b'i',
            serde_json::Value::Number(_) => b'f',
            serde_json::Value::String(_) => b's',
            serde_json::Value::Array(_) => b'a',
            serde_json::Value::Object(_) => b'o',
        })
        .collect()
}

/// Parse, analyze, authorize and rewrite one statement.
pub fn govern(
    sql: &str,
    params: &[serde_json::Value],
    purpose: Purpose,
    ctx: &GovernContext<'_>,
) -> Result<GovernedQuery, GovernError> {
    // parse: exactly one statement of an allowed kind
    let parsed = parse::parse(sql, ctx.dialect, ctx.max_sql_len)?;
    // explain_query wraps the statement in EXPLAIN (never ANALYZE)
    let mut statement = match purpose {
        Purpose::Query { .. } => parsed,
        Purpose::Explain => rewrite::into_explain(parsed, ctx.dialect),
    };
    // (SQLite names result columns after the text that ran: the caller's text is kept)
    let texts = match ctx.dialect {
        Dialect::Sqlite => rewrite::output_texts(&mut statement, sql, ctx.dialect),
        Dialect::Postgres => vec![],
    };
    // analyze + authorize: every node allow-listed, tables and functions checked and qualified
    let cap = match purpose {
        Purpose::Query { max_rows } => Some(max_rows),
        Purpose::Explain => None,
    };
    let analysis = analyze::analyze(&mut statement, ctx, params, cap)?;
    rewrite::keep_output_names(&mut statement, &texts);
    // inlining must not multiply expressions into gigabytes of planner memory
    expansion::bound(&mut statement, ctx.dialect)?;
    // rewrite: push the row cap down as LIMIT cap+1
    let row_cap = match purpose {
        Purpose::Query { max_rows } => {
            rewrite::push_row_cap(&mut statement, max_rows, ctx.dialect);
            Some(max_rows)
        }
        Purpose::Explain => None,
    };
    // explain: a plan shows the role no more than it may query
    let plan = explain_for_role(&mut statement, ctx, &analysis.tables)?;
    let mut bound = params.to_vec();
    bound.extend(analysis.bound.into_iter().map(serde_json::Value::String));
    let sql = statement.to_string();
    parse::check_printed(&sql, &statement, ctx.dialect)?;
    Ok(GovernedQuery {
        sql,
        params: bound,
        row_cap,
        tables: analysis.tables,
        plan,
        caller_params: params.len(),
    })
}

/// An EXPLAIN's options checked and its plan's redaction decided for the caller's role.
fn explain_for_role(
    statement: &mut sqlparser::ast::Statement,
    ctx: &GovernContext<'_>,
    tables: &[QualifiedName],
) -> Result<Option<PlanRedaction>, Denial> {
    if !matches!(statement, sqlparser::ast::Statement::Explain { .. }) {
        return Ok(None);
    }
    let restricted = tables
        .iter()
        .any(|t| ctx.policy.access(t).is_some_and(|a| a.restricted()));
    let granted: std::collections::BTreeSet<String> = ctx
        .policy
        .tables
        .keys()
        .map(|q| q.name.to_lowercase())
        .collect();
    let hidden = ctx
        .catalog
        .tables()
        .filter(|t| ctx.policy.access(&t.name).is_none())
        .map(|t| t.name.name.to_lowercase())
        .filter(|n| !granted.contains(n))
        .collect();
    explain::govern_explain(statement, ctx.dialect, restricted, granted, hidden)
}

/// The statement whose governed form lists a column's distinct values (for `describe_table`'s
/// value hints): names quoted from the catalog, never caller text. It still goes through
/// [`govern`], so the caller's row filter and hidden columns apply.
pub fn distinct_values_sql(table: &QualifiedName, column: &str) -> String {
    let c = names::quoted(column);
    format!(
        "SELECT DISTINCT {c} FROM {} WHERE {c} IS NOT NULL ORDER BY 1",
        names::quoted_name(table)
    )
}

/// `SELECT 1 FROM table` with the name quoted from the catalog (a probe that plans a role's
/// view of a table; still governed).
pub fn select_one_from(table: &QualifiedName) -> String {
    format!("SELECT 1 FROM {}", names::quoted_name(table))
}

/// PostgreSQL column types whose comparisons the row-filter barrier treats as leakproof.
pub fn leakproof_comparison_types() -> impl Iterator<Item = &'static str> {
    analyze::barrier::PG_LEAKPROOF_TYPES.iter().map(|(t, _)| *t)
}

/// Compile the built-in `default` role (every table) for a catalog.
pub fn compile_default(
    limits: crate::policy::Limits,
    dialect: Dialect,
    catalog: &Catalog,
) -> CompiledRole {
    let role = crate::policy::RolePolicy::default_role(limits);
    match compile(&role, "", dialect, catalog) {
        Ok(c) => c.role,
        // The default role has no column lists or filters, so compiling it cannot fail.
        Err(_) => CompiledRole {
            name: role.name,
            tables: Default::default(),
            extra_functions: Default::default(),
            limits,
        },
    }
}

#[cfg(test)]
mod tests;

/// Pretty-print SQL (for `policy explain` and snapshots); the input when it does not parse.
pub fn pretty(sql: &str, dialect: Dialect) -> String {
    match dialect
        .parser()
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
    {
        Ok(statements) => statements
            .iter()
            .map(|s| format!("{s:#}"))
            .collect::<Vec<_>>()
            .join(";\n"),
        Err(_) => sql.to_string(),
    }
}

//! Compile a role's policy against one database's catalog.
//!
//! Input: a validated [`RolePolicy`] and a [`Catalog`]. Output: a [`CompiledRole`]: for every
//! table the role may read, its visible and hidden columns and its row filter parsed in the
//! database's dialect, with the filter's own table references qualified. Errors name the policy
//! file and position, with a help line (`did you mean ...?`).

use std::collections::{BTreeSet, HashMap};

use sqlparser::ast::Expr;

use super::analyze::{Mode, Walker};
use super::names::{Catalog, QualifiedName};
use super::{Denial, Dialect};
use crate::diag::{Diagnostic, did_you_mean};
use crate::policy::{ColumnRule, Limits, RolePolicy};

/// What a role may see of one table.
#[derive(Debug, Clone)]
pub struct TableAccess {
    /// Visible columns, in table order.
    pub visible: Vec<String>,
    /// Hidden columns.
    pub hidden: Vec<String>,
    /// Row filter over the table's columns, tables qualified; `attr('x')` calls still in place.
    pub(crate) filter: Option<Expr>,
    /// Attribute names the filter reads.
    pub attrs: Vec<String>,
    /// Visible columns whose distinct values `describe_table` may show (the policy's
    /// `value_hints` / `no_value_hints`); which of them qualify is decided by their values.
    pub hint_columns: Vec<String>,
}

impl TableAccess {
    /// Whether references must be rewritten into a derived table.
    pub fn restricted(&self) -> bool {
        !self.hidden.is_empty() || self.filter.is_some()
    }

    pub fn has_filter(&self) -> bool {
        self.filter.is_some()
    }
}

/// A role compiled for one database.
#[derive(Debug, Clone)]
pub struct CompiledRole {
    pub name: String,
    pub tables: HashMap<QualifiedName, std::sync::Arc<TableAccess>>,
    pub extra_functions: BTreeSet<String>,
    pub limits: Limits,
}

impl CompiledRole {
    pub fn access(&self, table: &QualifiedName) -> Option<&std::sync::Arc<TableAccess>> {
        self.tables.get(table)
    }

    pub fn function_allowed(&self, dialect: Dialect, name: &str) -> bool {
        dialect.allows_function(name) || self.extra_functions.contains(name)
    }

    pub fn table_function_allowed(&self, dialect: Dialect, name: &str) -> bool {
        dialect.allows_table_function(name) || self.extra_functions.contains(name)
    }
}

/// Result of compiling: the role, plus rules that matched no table of this database.
pub struct Compiled {
    pub role: CompiledRole,
    pub unmatched: Vec<(String, Diagnostic)>,
}

fn eq_for(dialect: Dialect) -> impl Fn(&str, &str) -> bool {
    move |a: &str, b: &str| dialect.same_name(a, b)
}

/// Compile `role` for the database `database` described by `catalog`.
pub fn compile(
    role: &RolePolicy,
    database: &str,
    dialect: Dialect,
    catalog: &Catalog,
) -> Result<Compiled, Vec<Diagnostic>> {
    let eq = eq_for(dialect);
    let mut errors = Vec::new();
    let mut tables = HashMap::new();
    let mut used_rules: BTreeSet<usize> = BTreeSet::new();
    let mut sorted: Vec<_> = catalog.tables().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for t in sorted {
        let Some(rule) = role.rule_for(database, &t.name.schema, &t.name.name, &eq) else {
            continue;
        };
        if let Some(i) = role.tables.iter().position(|r| std::ptr::eq(r, rule)) {
            used_rules.insert(i);
        }
        let (visible, hidden) = match &rule.columns {
            ColumnRule::All => (t.columns.clone(), vec![]),
            ColumnRule::Allow(cols) | ColumnRule::Deny(cols) => {
                for c in cols {
                    if !t.columns.iter().any(|tc| eq(tc, c)) {
                        let mut d = rule
                            .origin
                            .diagnostic(format!("table `{}` has no column `{c}`", t.name));
                        if let Some(s) = did_you_mean(c, t.columns.iter().map(String::as_str)) {
                            d = d.with_help(format!("did you mean `{s}`?"));
                        }
                        errors.push(d);
                    }
                }
                let listed = |tc: &String| cols.iter().any(|c| eq(tc, c));
                let allow = matches!(rule.columns, ColumnRule::Allow(_));
                let visible: Vec<String> = t
                    .columns
                    .iter()
                    .filter(|c| listed(c) == allow)
                    .cloned()
                    .collect();
                let hidden: Vec<String> = t
                    .columns
                    .iter()
                    .filter(|c| listed(c) != allow)
                    .cloned()
                    .collect();
                if visible.is_empty() {
                    errors.push(
                        rule.origin
                            .diagnostic(format!("every column of `{}` is hidden", t.name))
                            .with_help("remove the table to deny it"),
                    );
                }
                (visible, hidden)
            }
        };
        for c in &rule.no_value_hints {
            if !t.columns.iter().any(|tc| eq(tc, c)) {
                let mut d = rule.origin.diagnostic(format!(
                    "no_value_hints: table `{}` has no column `{c}`",
                    t.name
                ));
                if let Some(s) = did_you_mean(c, t.columns.iter().map(String::as_str)) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                errors.push(d);
            }
        }
        let hint_columns: Vec<String> = if rule.value_hints {
            visible
                .iter()
                .filter(|c| !rule.no_value_hints.iter().any(|n| eq(n, c)))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let (filter, attrs) = match &rule.row_filter {
            None => (None, vec![]),
            Some(text) => match compile_filter(text, &t.name.name, dialect, catalog, role) {
                Ok(f) => f,
                Err(msg) => {
                    errors.push(
                        rule.origin
                            .diagnostic(format!("row_filter of `{}`: {msg}", rule.key)),
                    );
                    continue;
                }
            },
        };
        tables.insert(
            t.name.clone(),
            std::sync::Arc::new(TableAccess {
                visible,
                hidden,
                filter,
                attrs,
                hint_columns,
            }),
        );
    }
    let unmatched: Vec<(String, Diagnostic)> = role
        .tables
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            !used_rules.contains(i)
                && r.pattern.name.is_some()
                && r.database.as_deref().is_none_or(|d| d == database)
        })
        .map(|(_, r)| {
            let names: Vec<String> = catalog.tables().map(|t| t.name.name.clone()).collect();
            let mut d = r.origin.diagnostic(format!(
                "table `{}` does not exist in database `{database}`",
                r.key
            ));
            if let Some(s) = did_you_mean(
                r.pattern.name.as_deref().unwrap_or(""),
                names.iter().map(String::as_str),
            ) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            (r.key.clone(), d)
        })
        .collect();
    if !errors.is_empty() {
        errors.extend(unmatched.into_iter().map(|(_, d)| d));
        return Err(errors);
    }
    Ok(Compiled {
        role: CompiledRole {
            name: role.name.clone(),
            tables,
            extra_functions: role.extra_functions.clone(),
            limits: role.limits,
        },
        unmatched,
    })
}

/// Parse a row filter in `dialect`, qualify the tables its subqueries read, check its
/// functions, and list the attributes it uses.
fn compile_filter(
    text: &str,
    table: &str,
    dialect: Dialect,
    catalog: &Catalog,
    role: &RolePolicy,
) -> Result<(Option<Expr>, Vec<String>), String> {
    let mut expr = crate::policy::parse_filter(text, dialect)?;
    let compiled = CompiledRole {
        name: role.name.clone(),
        tables: HashMap::new(),
        extra_functions: role.extra_functions.clone(),
        limits: role.limits,
    };
    let mut walker = Walker::new(dialect, catalog, &compiled, Mode::Filter);
    walker.filter_table = Some(table.to_string());
    walker.expr(&mut expr).map_err(|d: Denial| d.message)?;
    Ok((Some(expr), walker.filter_attrs()))
}

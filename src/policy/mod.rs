//! Role policies: what each role may query.
//!
//! Input: a directory of TOML files (one role per file is natural; see the README's policy
//! reference), or nothing (then one built-in role, `default`, sees every table). Output:
//! validated [`RolePolicy`] values in a [`PolicySet`], which governance compiles against each
//! database's catalog (`sql::compile`) and schema browsing reads. Loading and `policy check`
//! share one validator, which collects every error with file:line:col and a help line.

mod load;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub(crate) use load::read_toml_files;
pub use load::{load_dir, load_texts};

use crate::diag::Diagnostic;
use crate::dialect::Dialect;

/// Parse a row filter (one SQL expression) in `dialect`. Used to check policy files at load
/// time and by governance, which compiles the filter against the catalog.
pub fn parse_filter(text: &str, dialect: Dialect) -> Result<sqlparser::ast::Expr, String> {
    let mut parser = dialect
        .parser()
        .try_with_sql(text)
        .map_err(|e| e.to_string())?;
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    if parser.peek_token().token != sqlparser::tokenizer::Token::EOF {
        return Err("unexpected text after the expression".into());
    }
    Ok(expr)
}

/// Resource limits of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_rows: u64,
    pub max_result_bytes: u64,
    pub statement_timeout: Duration,
    /// Calls per minute per principal (`None`: unlimited).
    pub rate_per_minute: Option<u32>,
    /// Calls of this role running at once in one process (`None`: unlimited).
    pub concurrency: Option<u32>,
    /// How long this role's query results are served from the result cache (zero: not cached).
    pub cache_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rows: 1000,
            max_result_bytes: 1 << 20,
            statement_timeout: Duration::from_secs(10),
            rate_per_minute: None,
            concurrency: None,
            cache_ttl: Duration::ZERO,
        }
    }
}

/// Which columns of a table a role sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRule {
    All,
    /// Only these.
    Allow(Vec<String>),
    /// All but these.
    Deny(Vec<String>),
}

/// Which table(s) a rule is about: `name`, `schema.name`, `schema.*` or `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablePattern {
    pub schema: Option<String>,
    /// `None` = every table.
    pub name: Option<String>,
}

impl TablePattern {
    pub fn parse(text: &str) -> Option<TablePattern> {
        let parts: Vec<&str> = text.split('.').map(str::trim).collect();
        let part = |s: &str| {
            if s == "*" {
                None
            } else {
                Some(s.trim_matches('"').to_string())
            }
        };
        match parts.as_slice() {
            [n] if !n.is_empty() => Some(TablePattern {
                schema: None,
                name: part(n),
            }),
            [s, n] if !s.is_empty() && !n.is_empty() && *s != "*" => Some(TablePattern {
                schema: Some(s.trim_matches('"').to_string()),
                name: part(n),
            }),
            _ => None,
        }
    }

    /// How specific a match is: exact name beats `schema.*` beats `*`.
    pub fn specificity(&self) -> u8 {
        match (&self.schema, &self.name) {
            (Some(_), Some(_)) => 3,
            (None, Some(_)) => 2,
            (Some(_), None) => 1,
            (None, None) => 0,
        }
    }
}

/// Where a piece of policy came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl Origin {
    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: self.line,
            col: self.col,
            message: message.into(),
            help: None,
        }
    }
}

/// One table rule of a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRule {
    pub key: String,
    pub pattern: TablePattern,
    pub columns: ColumnRule,
    /// A SQL boolean expression over the table's columns; `attr('name')` reads a principal
    /// attribute (always bound as a parameter).
    pub row_filter: Option<String>,
    /// Restrict the rule to one configured database.
    pub database: Option<String>,
    /// Whether `describe_table` may show the distinct values of low-cardinality text columns
    /// (`value_hints = false` turns it off for the table).
    pub value_hints: bool,
    /// Columns whose values `describe_table` never shows (`no_value_hints = ["notes"]`).
    pub no_value_hints: Vec<String>,
    pub origin: Origin,
}

/// What one role may see and do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePolicy {
    pub name: String,
    pub description: String,
    pub tables: Vec<TableRule>,
    /// Functions allowed on top of the default list (lower case).
    pub extra_functions: BTreeSet<String>,
    pub limits: Limits,
    pub origin: Origin,
}

impl RolePolicy {
    /// The built-in role: every table of the configured schemas, default functions.
    pub fn default_role(limits: Limits) -> Self {
        RolePolicy {
            name: "default".into(),
            description: "Every table of the configured schemas (no policies configured).".into(),
            tables: vec![TableRule {
                key: "*".into(),
                pattern: TablePattern {
                    schema: None,
                    name: None,
                },
                columns: ColumnRule::All,
                row_filter: None,
                database: None,
                value_hints: true,
                no_value_hints: Vec::new(),
                origin: Origin::default(),
            }],
            extra_functions: BTreeSet::new(),
            limits,
            origin: Origin::default(),
        }
    }

    /// The most specific rule for a table of `database`, if any.
    pub fn rule_for(
        &self,
        database: &str,
        schema: &str,
        table: &str,
        eq: impl Fn(&str, &str) -> bool,
    ) -> Option<&TableRule> {
        self.tables
            .iter()
            .filter(|r| r.database.as_deref().is_none_or(|d| d == database))
            .filter(|r| r.pattern.schema.as_deref().is_none_or(|s| eq(s, schema)))
            .filter(|r| r.pattern.name.as_deref().is_none_or(|n| eq(n, table)))
            .max_by_key(|r| r.pattern.specificity())
    }
}

/// Every role, by name.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub roles: BTreeMap<String, RolePolicy>,
}

impl PolicySet {
    /// Only the built-in `default` role.
    pub fn builtin(limits: Limits) -> Self {
        let mut roles = BTreeMap::new();
        roles.insert("default".to_string(), RolePolicy::default_role(limits));
        PolicySet { roles }
    }

    pub fn get(&self, role: &str) -> Option<&RolePolicy> {
        self.roles.get(role)
    }
}

/// Every problem found while loading policies.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct PolicyErrors(pub Vec<Diagnostic>);

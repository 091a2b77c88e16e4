//! Role policies: what a role may query.
//!
//! Input: configuration (later, policy files). Output: a [`RolePolicy`] that governance and
//! schema browsing read. This first cut has one built-in role, `default`, that sees every table
//! and view of the configured schemas and may call the default function allowlist.

pub(crate) mod functions;

use std::collections::BTreeSet;

use crate::sql::{Dialect, QualifiedName};

/// The caller's role and attributes, from a token, `--role`/`--attr`, or configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: String,
    pub attrs: std::collections::BTreeMap<String, String>,
}

impl Principal {
    pub fn new(name: impl Into<String>, role: impl Into<String>) -> Self {
        Principal {
            name: name.into(),
            role: role.into(),
            attrs: Default::default(),
        }
    }
}

/// Resource limits of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_rows: u64,
    pub max_result_bytes: u64,
    pub statement_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rows: 1000,
            max_result_bytes: 1 << 20,
            statement_timeout: std::time::Duration::from_secs(10),
        }
    }
}

/// What one role may see and do.
#[derive(Debug, Clone)]
pub struct RolePolicy {
    pub name: String,
    /// `None`: every table of the catalog. `Some`: only these.
    pub tables: Option<BTreeSet<QualifiedName>>,
    /// Functions allowed on top of the default list (normalized names).
    pub extra_functions: BTreeSet<String>,
    pub limits: Limits,
}

impl RolePolicy {
    /// The built-in role: every table of the configured schemas, default functions.
    pub fn default_role(limits: Limits) -> Self {
        RolePolicy {
            name: "default".into(),
            tables: None,
            extra_functions: BTreeSet::new(),
            limits,
        }
    }

    pub fn table_granted(&self, table: &QualifiedName) -> bool {
        match &self.tables {
            None => true,
            Some(set) => set.contains(table),
        }
    }

    pub fn function_allowed(&self, dialect: Dialect, name: &str) -> bool {
        functions::default_allows(dialect, name) || self.extra_functions.contains(name)
    }

    pub fn table_function_allowed(&self, dialect: Dialect, name: &str) -> bool {
        functions::default_allows_in_from(dialect, name) || self.extra_functions.contains(name)
    }
}

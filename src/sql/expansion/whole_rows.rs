//! Whole-row references (see the parent module): inlined, `x` or `to_jsonb(x)` becomes a row
//! of every column's expression of `x`.
//!
//! An expression reads a whole row of a CTE or a FROM item by its name (`x`, `to_jsonb(x)`,
//! `row(x.*)`): inlined, such a reference becomes a row of every column's expression, so a
//! chain of them multiplies by its width per level (eight levels of four columns, 1.1 KB, took
//! 1.4 GB of planning), which column references do not show. [`WholeRows`] is fed the nodes of
//! one walk of the statement (by the parent's survey) and answers at the end.

use std::collections::HashSet;

use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, ObjectName, Query, Select, SelectItem};
use sqlparser::ast::{FunctionArguments, TableFactor};

use crate::sql::names::normalize_ident;

use super::Dialect;

pub(super) struct WholeRows {
    dialect: Dialect,
    /// The names of the statement's tables, and the aliases of its FROM items and CTEs.
    names: HashSet<String>,
    /// The output column names the statement gives (select-list aliases, alias column lists).
    columns: HashSet<String>,
    /// Every bare name used as an expression.
    bare: HashSet<String>,
    /// A whole row read without doubt (`x.*` as a value, `to_jsonb(x.*)`).
    seen: bool,
}

impl WholeRows {
    pub(super) fn new(dialect: Dialect) -> Self {
        WholeRows {
            dialect,
            names: HashSet::new(),
            columns: HashSet::new(),
            bare: HashSet::new(),
            seen: false,
        }
    }

    /// Whether some expression of the statement reads a whole row. A name that is also some
    /// query's output column is read as that column (PostgreSQL prefers a column to a whole
    /// row): `WITH m AS (SELECT ... AS m) SELECT m FROM m`.
    pub(super) fn found(&self) -> bool {
        self.seen
            || self
                .bare
                .iter()
                .any(|n| self.names.contains(n) && !self.columns.contains(n))
    }

    pub(super) fn relation(&mut self, name: &ObjectName) {
        if let Some(ident) = name.0.last().and_then(|p| p.as_ident()) {
            self.names.insert(normalize_ident(self.dialect, ident));
        }
    }

    pub(super) fn table_factor(&mut self, tf: &TableFactor) {
        if let Some(alias) = crate::sql::names::alias_of(tf) {
            self.names
                .insert(normalize_ident(self.dialect, &alias.name));
            for c in &alias.columns {
                self.columns.insert(normalize_ident(self.dialect, &c.name));
            }
        }
    }

    pub(super) fn select(&mut self, s: &Select) {
        for item in &s.projection {
            if let SelectItem::ExprWithAlias { alias, .. } = item {
                self.columns.insert(normalize_ident(self.dialect, alias));
            }
        }
    }

    pub(super) fn query(&mut self, q: &Query) {
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.names
                    .insert(normalize_ident(self.dialect, &cte.alias.name));
                for c in &cte.alias.columns {
                    self.columns.insert(normalize_ident(self.dialect, &c.name));
                }
            }
        }
    }

    pub(super) fn expr(&mut self, e: &Expr) {
        if self.seen {
            return;
        }
        match e {
            Expr::Identifier(i) => {
                self.bare.insert(normalize_ident(self.dialect, i));
            }
            Expr::Function(f) => {
                if let FunctionArguments::List(list) = &f.args
                    && list.args.iter().any(|a| {
                        matches!(
                            a,
                            FunctionArg::Unnamed(FunctionArgExpr::QualifiedWildcard(_))
                                | FunctionArg::Named {
                                    arg: FunctionArgExpr::QualifiedWildcard(_),
                                    ..
                                }
                        )
                    })
                {
                    self.seen = true;
                }
            }
            Expr::QualifiedWildcard(..) => self.seen = true,
            _ => {}
        }
    }
}

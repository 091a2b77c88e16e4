//! Whole-row references (see the parent module): inlined, `x` or `to_jsonb(x)` becomes a row
//! of every column's expression of `x`.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Query, Select, SelectItem, Statement, TableFactor, Visit, Visitor};

use crate::sql::names::normalize_ident;

use super::Dialect;

/// Whether an expression reads a whole row of a CTE or a FROM item by its name (`x`,
/// `to_jsonb(x)`, `row(x.*)`): inlined, such a reference becomes a row of every column's
/// expression, so a chain of them multiplies by its width per level (eight levels of four
/// columns, 1.1 KB, took 1.4 GB of planning), which column references do not show.
pub(super) fn reads_whole_rows(statement: &Statement, dialect: Dialect) -> bool {
    let mut names: std::collections::HashSet<String> = std::collections::HashSet::new();
    let _ = sqlparser::ast::visit_relations(statement, |name| {
        if let Some(ident) = name.0.last().and_then(|p| p.as_ident()) {
            names.insert(normalize_ident(dialect, ident));
        }
        ControlFlow::<()>::Continue(())
    });
    let mut columns: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut aliases = AliasNames {
        dialect,
        names: &mut names,
        columns: &mut columns,
    };
    let _ = Visit::visit(statement, &mut aliases);
    // A name that is also some query's output column is read as that column (PostgreSQL
    // prefers a column to a whole row): `WITH m AS (SELECT ... AS m) SELECT m FROM m`.
    names.retain(|n| !columns.contains(n));
    let mut whole = false;
    let _ = sqlparser::ast::visit_expressions(statement, |e| {
        let hit = match e {
            Expr::Identifier(i) => names.contains(&normalize_ident(dialect, i)),
            Expr::Function(f) => match &f.args {
                sqlparser::ast::FunctionArguments::List(list) => list.args.iter().any(|a| {
                    matches!(
                        a,
                        sqlparser::ast::FunctionArg::Unnamed(
                            sqlparser::ast::FunctionArgExpr::QualifiedWildcard(_)
                        ) | sqlparser::ast::FunctionArg::Named {
                            arg: sqlparser::ast::FunctionArgExpr::QualifiedWildcard(_),
                            ..
                        }
                    )
                }),
                _ => false,
            },
            Expr::QualifiedWildcard(..) => true,
            _ => false,
        };
        if hit {
            whole = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    whole
}

/// The aliases of a statement's FROM items and CTEs, added to `names`; the output column names
/// it gives (select-list aliases, alias column lists), added to `columns`.
struct AliasNames<'n> {
    dialect: Dialect,
    names: &'n mut std::collections::HashSet<String>,
    columns: &'n mut std::collections::HashSet<String>,
}

impl Visitor for AliasNames<'_> {
    type Break = ();

    fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<()> {
        if let Some(alias) = crate::sql::names::alias_of(tf) {
            self.names
                .insert(normalize_ident(self.dialect, &alias.name));
            for c in &alias.columns {
                self.columns.insert(normalize_ident(self.dialect, &c.name));
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, s: &Select) -> ControlFlow<()> {
        for item in &s.projection {
            if let SelectItem::ExprWithAlias { alias, .. } = item {
                self.columns.insert(normalize_ident(self.dialect, alias));
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.names
                    .insert(normalize_ident(self.dialect, &cte.alias.name));
                for c in &cte.alias.columns {
                    self.columns.insert(normalize_ident(self.dialect, &c.name));
                }
            }
        }
        ControlFlow::Continue(())
    }
}

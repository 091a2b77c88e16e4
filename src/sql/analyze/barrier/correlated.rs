//! Correlated comparisons inside a fence (PostgreSQL): `l.order_id = o.id` in a subquery over a
//! filtered `order_lines`, where `o` is a FROM item of an enclosing query, compares two columns
//! of one leakproof-comparable type and so may run on rows the filter excludes, like a
//! comparison with a constant; inside the fence it is an index lookup per outer row instead of
//! the whole filtered table per outer row.

use super::*;

/// Stands for a FROM item whose name is not known (see `level_names`).
pub(super) const ANY_NAME: &str = "*";

impl Walker<'_> {
    /// Whether `k` is a column of an enclosing query (a correlated subquery's reference,
    /// `l.order_id = o.id`) of the same leakproof-comparable type as a column of type `ty`, so
    /// that the comparison may run inside `target`'s fence: per row of the outer query, an
    /// index lookup instead of the whole filtered table. PostgreSQL only (a derived table may
    /// read the columns of enclosing queries there). Only a qualified reference whose
    /// qualifier no FROM item of this SELECT has (the enclosing scopes are all that
    /// `self.from` holds once a SELECT's walk is done) and that the fence's own table does not
    /// capture.
    pub(super) fn outer_column_for(&self, k: &Expr, ty: Option<&str>, target: &Rel<'_>) -> bool {
        if self.dialect != Dialect::Postgres {
            return false;
        }
        let Expr::CompoundIdentifier(parts) = k else {
            return false;
        };
        let [q, c] = parts.as_slice() else {
            return false;
        };
        let (q, c) = (
            normalize_ident(self.dialect, q),
            normalize_ident(self.dialect, c),
        );
        if self.col_eq(&q, &target.table.name.name)
            || target
                .level
                .iter()
                .any(|n| n == ANY_NAME || self.col_eq(n, &q))
        {
            return false;
        }
        // The name must be one FROM item's in all enclosing scopes: which of several the
        // database binds depends on scoping rules (a derived table that is not LATERAL does not
        // see the items before it) that a type check here must not guess at.
        let mut named = self
            .from
            .iter()
            .flat_map(|items| items.iter())
            .filter(|i| self.col_eq(&i.name, &q));
        let (Some(item), None) = (named.next(), named.next()) else {
            return false;
        };
        let (ItemKind::Table(access), Some(table)) = (&item.kind, &item.table) else {
            return false;
        };
        let Some(column) = access.visible.iter().find(|v| self.col_eq(v, &c)) else {
            return false;
        };
        let outer = self
            .catalog
            .get(&table.schema, &table.name)
            .and_then(|t| t.column_type(column));
        self.comparable(ty, outer)
    }

    /// The names the FROM items of a SELECT go by (aliases, else table names).
    pub(super) fn level_names(&self, from: &[TableWithJoins]) -> Vec<String> {
        from.iter()
            .flat_map(|twj| {
                std::iter::once(&twj.relation).chain(twj.joins.iter().map(|j| &j.relation))
            })
            .filter_map(|tf| match tf {
                TableFactor::Table { alias: Some(a), .. }
                | TableFactor::Derived { alias: Some(a), .. }
                | TableFactor::Function { alias: Some(a), .. }
                | TableFactor::UNNEST { alias: Some(a), .. }
                | TableFactor::NestedJoin { alias: Some(a), .. } => {
                    Some(normalize_ident(self.dialect, &a.name))
                }
                TableFactor::Table {
                    name, alias: None, ..
                }
                | TableFactor::Function {
                    name, alias: None, ..
                } => name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(|i| normalize_ident(self.dialect, i)),
                // Anything else might introduce a name: no outer reference is trusted then.
                _ => Some(ANY_NAME.to_string()),
            })
            .collect()
    }
}

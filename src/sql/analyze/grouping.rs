//! GROUP BY a restricted table's primary key, on PostgreSQL.
//!
//! PostgreSQL lets a query group by a table's primary key and still select the table's other
//! columns (they depend on the key), but only for a table: once governance has made a restricted
//! table a derived table, `GROUP BY o.id` with `o.status` in the select list fails (42803). So
//! when a GROUP BY holds every key column of such a derived table, the table's other visible
//! columns are added to it. That groups the same rows (within the derived table the key is still
//! unique, so each added column has one value per group) and names only columns the role sees.

use sqlparser::ast::{Expr, GroupByExpr, Ident, Select, SelectItem, Value};

use super::{FromItem, Walker};
use crate::sql::Dialect;
use crate::sql::names::{normalize_ident, quoted};

/// A wrapped table's key and the visible columns that depend on it (those whose type has an
/// equality to group by; a column of unknown type is left out).
#[derive(Debug, Clone)]
pub(super) struct GroupKey {
    pub(super) key: Vec<String>,
    pub(super) dependents: Vec<String>,
}

/// Types PostgreSQL cannot group by (no default equality operator).
const UNGROUPABLE: &[&str] = &[
    "json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle",
];

impl GroupKey {
    /// For a restricted table whose key columns are all visible to the role.
    pub(super) fn of(
        dialect: Dialect,
        table: &crate::sql::names::CatalogTable,
        visible: &[String],
    ) -> Option<GroupKey> {
        if dialect != Dialect::Postgres || table.primary_key.is_empty() {
            return None;
        }
        if !table.primary_key.iter().all(|k| visible.contains(k)) {
            return None;
        }
        let dependents = visible
            .iter()
            .filter(|c| !table.primary_key.contains(c))
            .filter(|c| {
                table.column_type(c).is_some_and(|t| {
                    let base = t.trim_end_matches("[]");
                    !t.is_empty() && !UNGROUPABLE.contains(&base)
                })
            })
            .cloned()
            .collect();
        Some(GroupKey {
            key: table.primary_key.clone(),
            dependents,
        })
    }
}

impl Walker<'_> {
    /// Add the dependent columns of every wrapped table whose whole key `s` groups by.
    pub(super) fn complete_group_by(&self, s: &mut Select, items: &[FromItem]) {
        let GroupByExpr::Expressions(exprs, modifiers) = &s.group_by else {
            return;
        };
        if exprs.is_empty() || !modifiers.is_empty() {
            return;
        }
        // ROLLUP, CUBE and GROUPING SETS make groups of their own: only a key among the plain
        // expressions beside them is in every grouping set, and only then does a column added
        // beside them (so in every set too) split no group, subtotals included.
        let plain = || {
            exprs
                .iter()
                .filter(|e| !matches!(e, Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_)))
        };
        let mut added: Vec<Expr> = Vec::new();
        let mut in_grouping_sets: Vec<(usize, Vec<Expr>)> = Vec::new();
        for item in items {
            let Some(key) = &item.key else { continue };
            let grouped = |column: &str| {
                plain().any(|e| {
                    let e = self
                        .ordinal_target(e, &s.projection)
                        .or_else(|| self.alias_target(e, &s.projection, items))
                        .unwrap_or(e);
                    self.names_column(e, item, items, column)
                })
            };
            if !key.key.iter().all(|k| grouped(k)) {
                // GROUPING SETS whose every set holds the whole key: each set gets the
                // dependents (the same groups, for every set).
                for (at, e) in exprs.iter().enumerate() {
                    let Expr::GroupingSets(sets) = e else {
                        continue;
                    };
                    let holds = |set: &Vec<Expr>, column: &str| {
                        set.iter()
                            .any(|e| self.names_column(e, item, items, column))
                    };
                    if sets.is_empty()
                        || !sets.iter().all(|set| key.key.iter().all(|k| holds(set, k)))
                    {
                        continue;
                    }
                    let missing: Vec<Expr> = key
                        .dependents
                        .iter()
                        .filter(|c| !grouped(c) && !sets.iter().any(|set| holds(set, c)))
                        .map(|c| Expr::CompoundIdentifier(vec![quoted(&item.name), quoted(c)]))
                        .collect();
                    in_grouping_sets.push((at, missing));
                }
                continue;
            }
            // (one a ROLLUP, CUBE or GROUPING SETS names is left to it: added beside, its
            // subtotal rows would lose their NULL)
            let in_sets = |column: &str| {
                exprs.iter().any(|e| {
                    let sets = match e {
                        Expr::Rollup(sets) | Expr::Cube(sets) | Expr::GroupingSets(sets) => sets,
                        _ => return false,
                    };
                    sets.iter()
                        .flatten()
                        .any(|e| self.names_column(e, item, items, column))
                })
            };
            for column in &key.dependents {
                if !grouped(column) && !in_sets(column) {
                    added.push(Expr::CompoundIdentifier(vec![
                        quoted(&item.name),
                        quoted(column),
                    ]));
                }
            }
        }
        if let GroupByExpr::Expressions(exprs, _) = &mut s.group_by {
            for (at, missing) in in_grouping_sets {
                if let Some(Expr::GroupingSets(sets)) = exprs.get_mut(at) {
                    for set in sets {
                        set.extend(missing.iter().cloned());
                    }
                }
            }
            exprs.extend(added);
        }
    }

    /// The select-list expression a `GROUP BY <n>` names.
    fn ordinal_target<'a>(&self, e: &Expr, projection: &'a [SelectItem]) -> Option<&'a Expr> {
        let Expr::Value(v) = e else { return None };
        let Value::Number(n, _) = &v.value else {
            return None;
        };
        let i: usize = n.parse().ok()?;
        match projection.get(i.checked_sub(1)?)? {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => Some(e),
            _ => None,
        }
    }

    /// The select-list expression a `GROUP BY <alias>` names: PostgreSQL reads a bare name as
    /// an input column first, so only a name no FROM item has.
    fn alias_target<'a>(
        &self,
        e: &Expr,
        projection: &'a [SelectItem],
        items: &[FromItem],
    ) -> Option<&'a Expr> {
        let Expr::Identifier(ident) = e else {
            return None;
        };
        let name = normalize_ident(self.dialect, ident);
        if items.iter().any(|i| self.exposes(i, &name)) {
            return None;
        }
        projection.iter().find_map(|p| match p {
            SelectItem::ExprWithAlias { expr, alias }
                if normalize_ident(self.dialect, alias) == name =>
            {
                Some(expr)
            }
            _ => None,
        })
    }

    /// Whether `e` is a reference to `column` of `item`: qualified by its name, or unqualified
    /// where no other FROM item of the scope could hold a column of that name.
    fn names_column(&self, e: &Expr, item: &FromItem, items: &[FromItem], column: &str) -> bool {
        let same = |ident: &Ident, name: &str| normalize_ident(self.dialect, ident) == name;
        match e {
            Expr::Nested(inner) => self.names_column(inner, item, items, column),
            Expr::CompoundIdentifier(parts) if parts.len() == 2 => {
                same(&parts[0], &item.name) && same(&parts[1], column)
            }
            Expr::Identifier(ident) => {
                same(ident, column)
                    && items.iter().all(|other| {
                        std::ptr::eq(other, item)
                            || match &other.kind {
                                super::ItemKind::Table(access) => !access
                                    .visible
                                    .iter()
                                    .chain(&access.hidden)
                                    .any(|c| c == column),
                                super::ItemKind::Opaque(_) => false,
                            }
                    })
            }
            _ => false,
        }
    }
}

//! Key ranges into a row filter's own semi-join (PostgreSQL): a child table whose rows follow
//! their parent's (`order_id IN (SELECT id FROM orders WHERE region = attr('region'))`) gets the
//! caller's range on the child's column carried onto the parent's key inside that subquery.

use super::*;
use crate::sql::names::normalize_name;

impl<'c> Walker<'c> {
    /// A range the caller put on `l.order_id` moves into the lines fence and its index serves it,
    /// but the row filter's `order_id IN (SELECT id FROM orders WHERE region = $1)` still reads
    /// every order of the region: PostgreSQL does not carry a range across a semi-join (only
    /// equalities with constants, through its equivalence classes), and a misestimate turns the
    /// semi-join into a hash join over all of them (17 ms against 1 ms by hand for a thousand
    /// orders' lines). Where a conjunct of the fence's row filter is `col IN (SELECT key FROM t
    /// ...)`, a plain SELECT of one column of one table, `col` and `key` integer columns of the
    /// same type, each range on `col` that moved into the fence is ANDed into that subquery on
    /// `key` as well. A row of the fence passes the IN only with some `key` equal to its `col`,
    /// and an integer equal to `col` satisfies the range exactly when `col` does, which the
    /// fence requires anyway: the rows kept are the same. The copy is as leakproof as the
    /// original (the same operators on the same type), and it can only remove rows from a
    /// subquery the policy wrote under a positive IN, never add any.
    pub(super) fn carry_into_row_filters(&self, targets: &mut [Target<'_, '_>]) {
        if !self.dialect.comparisons_can_raise() {
            return;
        }
        for target in targets.iter_mut() {
            if target.moved.is_empty() {
                continue;
            }
            let moved = target.moved.clone();
            let rel = &target.rel;
            let table = &rel.table.name.name;
            let SetExpr::Select(select) = target.query.body.as_mut() else {
                continue;
            };
            let Some(selection) = select.selection.as_mut() else {
                continue;
            };
            for (col, sub) in self.row_filter_semijoins(selection, table) {
                let Some(ty) = rel.table.column_type(&col) else {
                    continue;
                };
                if pg_class(ty) != Some(Class::Integer) {
                    continue;
                }
                let Some(key) = self.semijoin_key(sub, ty) else {
                    continue;
                };
                for (moved_col, pred) in &moved {
                    if !self.col_eq(moved_col, &col) {
                        continue;
                    }
                    let mut e = pred.clone();
                    let mut foreign = false;
                    let _ = sqlparser::ast::visit_expressions_mut(&mut e, |node| {
                        if self
                            .column_of(node, rel, true)
                            .is_some_and(|c| self.col_eq(&c, &col))
                        {
                            *node = key.clone();
                        } else if matches!(node, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
                        {
                            foreign = true;
                        }
                        std::ops::ControlFlow::<()>::Continue(())
                    });
                    if foreign {
                        continue;
                    }
                    if let SetExpr::Select(inner) = sub.body.as_mut() {
                        inner.selection =
                            and_all(inner.selection.take().into_iter().chain([e]).collect());
                    }
                }
            }
        }
    }

    /// The `col IN (SELECT ...)` conjuncts of a fence's WHERE (through the parentheses the row
    /// filter keeps), `col` one of the fenced table's own columns: (its name, the subquery).
    fn row_filter_semijoins<'e>(
        &self,
        e: &'e mut Expr,
        table: &str,
    ) -> Vec<(String, &'e mut Query)> {
        let mut out = Vec::new();
        for leaf in and_leaves_mut(e) {
            let Expr::InSubquery {
                expr,
                subquery,
                negated: false,
            } = leaf
            else {
                continue;
            };
            let col = match expr.as_ref() {
                Expr::Identifier(c) => normalize_ident(self.dialect, c),
                Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                    [q, c] if self.col_eq(&normalize_ident(self.dialect, q), table) => {
                        normalize_ident(self.dialect, c)
                    }
                    _ => continue,
                },
                _ => continue,
            };
            out.push((col, subquery.as_mut()));
        }
        out
    }

    /// The one selected column of a plain one-table subquery, as written there, if it is a
    /// column of that table of type `ty` (an unqualified name the table lacks would be an
    /// outer reference).
    fn semijoin_key(&self, q: &Query, ty: &str) -> Option<Expr> {
        if q.with.is_some()
            || q.order_by.is_some()
            || q.limit_clause.is_some()
            || q.fetch.is_some()
            || !q.locks.is_empty()
        {
            return None;
        }
        let SetExpr::Select(s) = q.body.as_ref() else {
            return None;
        };
        let plain = s.having.is_none()
            && s.qualify.is_none()
            && s.top.is_none()
            && s.into.is_none()
            && s.named_window.is_empty()
            && matches!(&s.group_by, GroupByExpr::Expressions(by, mods) if by.is_empty() && mods.is_empty());
        let ([from], [SelectItem::UnnamedExpr(item)]) =
            (s.from.as_slice(), s.projection.as_slice())
        else {
            return None;
        };
        let TableFactor::Table {
            name,
            alias,
            args: None,
            with_hints,
            sample: None,
            version: None,
            partitions,
            json_path: None,
            ..
        } = &from.relation
        else {
            return None;
        };
        if !plain || !from.joins.is_empty() || !with_hints.is_empty() || !partitions.is_empty() {
            return None;
        }
        let table = self.catalog.resolve(&normalize_name(self.dialect, name)?)?;
        let column = match item {
            Expr::Identifier(c) => normalize_ident(self.dialect, c),
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [q, c] => {
                    let q = normalize_ident(self.dialect, q);
                    let named = match alias {
                        Some(a) => self.col_eq(&normalize_ident(self.dialect, &a.name), &q),
                        None => self.col_eq(&table.name.name, &q),
                    };
                    if !named {
                        return None;
                    }
                    normalize_ident(self.dialect, c)
                }
                _ => return None,
            },
            _ => return None,
        };
        (table.column_type(&column)? == ty).then(|| item.clone())
    }
}

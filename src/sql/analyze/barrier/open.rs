//! Keys from tables without a row filter (PostgreSQL): a dimension the caller narrowed hands its
//! keys to a filtered table's fence, as a fenced parent does (`keys`).
//!
//! `order_lines l JOIN products p ON p.id = l.product_id WHERE p.category = 'Books'`, as a role
//! whose lines are filtered: PostgreSQL cannot take the product keys into the lines' fence, so
//! it read every line of the region and joined them with the category's products (107-131 ms on
//! 600k lines, 50 ms by hand). Where an inner join equates the single-column integer primary key
//! of a table the role reads without a row filter (its plain name, or its derived table that
//! hides columns) with an integer column of the same type of an unnarrowed fence, and the
//! caller's own leakproof predicates (see `leakproof`) narrow that table, the fence also keeps
//! only `col IN (SELECT p.id FROM <the table> AS p WHERE <those predicates>)`.
//!
//! A row it removes has no partner in the join. It reveals nothing: the subquery reads only
//! rows the role sees in full, through predicates that are leakproof even on rows it may not
//! see (they may be evaluated in any order against the fence's rows), and the comparison is
//! integer equality, which is leakproof. A fence reduced so hands its keys on (`keys`).

use super::*;

/// An inner-joined table that the role reads without a row filter, with the caller's leakproof
/// predicates on it alone.
pub(super) struct Open<'c> {
    pub(super) rel: Rel<'c>,
    /// The predicates, each with the column it bounds if a range (see `range_column`).
    preds: Vec<(Option<String>, Expr)>,
}

impl Open<'_> {
    /// `SELECT <alias>.<key> FROM <the base table> AS <alias> WHERE <its predicates>`: the base
    /// table itself, under the name the predicates use (they read only columns the role sees),
    /// selecting only the key.
    pub(super) fn keys(&self, key: &str) -> Query {
        let table = crate::sql::rewrite::table_factor(
            quoted_name(&self.rel.table.name),
            Some(TableAlias {
                explicit: true,
                name: quoted(&self.rel.name),
                columns: vec![],
                at: None,
            }),
        );
        crate::sql::rewrite::select_over(
            Some(table),
            vec![SelectItem::UnnamedExpr(Expr::CompoundIdentifier(vec![
                quoted(&self.rel.name),
                quoted(key),
            ]))],
            and_all(self.preds.iter().map(|(_, p)| p.clone()).collect()),
        )
    }
}

impl<'c> Walker<'c> {
    /// `tf` as an [`Open`] table when it is one and `from_where` (never on the nullable side
    /// of an outer join).
    pub(super) fn open(
        &self,
        tf: &TableFactor,
        from_where: bool,
        level: &std::rc::Rc<Vec<String>>,
    ) -> Option<Open<'c>> {
        if !from_where || !self.dialect.comparisons_can_raise() {
            return None;
        }
        let (table, alias) = match tf {
            TableFactor::Table {
                name,
                alias,
                args: None,
                with_hints,
                version: None,
                with_ordinality: false,
                partitions,
                json_path: None,
                sample: None,
                index_hints,
            } if with_hints.is_empty() && partitions.is_empty() && index_hints.is_empty() => {
                // Our rewrite names every catalog table by schema and name; a CTE keeps its one
                // part, and is no table.
                let [schema, name] = normalize_name(self.dialect, name)?.try_into().ok()?;
                (self.catalog.get(&schema, &name)?, alias.as_ref())
            }
            TableFactor::Derived {
                lateral: false,
                subquery,
                alias: Some(alias),
                ..
            } => {
                let plain = self.plain.iter().find(|f| f.is(subquery))?;
                (
                    self.catalog.get(&plain.table.schema, &plain.table.name)?,
                    Some(alias),
                )
            }
            _ => return None,
        };
        if alias.is_some_and(|a| !a.columns.is_empty()) {
            return None;
        }
        let access = self.policy.access(&table.name)?;
        if access.has_filter() {
            return None;
        }
        let name = alias.map_or_else(
            || table.name.name.clone(),
            |a| normalize_ident(self.dialect, &a.name),
        );
        Some(Open {
            rel: Rel {
                name,
                access,
                table,
                level: level.clone(),
            },
            preds: Vec::new(),
        })
    }

    /// Give each open table the conjuncts of `residue` (what stayed above the fences, of WHERE
    /// and of inner joins' ON) that read its columns alone, leakproof-ly.
    pub(super) fn narrow_open(&self, opens: &mut [Open<'_>], residue: &[Expr]) {
        for open in opens.iter_mut() {
            for part in residue.iter().filter(|p| self.reads_only(p, &open.rel)) {
                let mut part = part.clone();
                self.dates_as_timestamps(&mut part, &open.rel, false);
                if self.leakproof(&part, &open.rel, false) {
                    open.preds
                        .push((self.range_column(&part, &open.rel, false), part));
                }
            }
        }
    }

    /// Whether every name in `e` is a column of `rel` (no outer reference).
    fn reads_only(&self, e: &Expr, rel: &Rel<'_>) -> bool {
        let mut only = true;
        let _ = sqlparser::ast::visit_expressions(e, |x| {
            if matches!(x, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
                && self.column_of(x, rel, false).is_none()
            {
                only = false;
                return std::ops::ControlFlow::Break(());
            }
            std::ops::ControlFlow::Continue(())
        });
        only
    }

    /// Reduce each unnarrowed fence joined to a narrowed open table's key (see the module's
    /// doc), once per open table; `true` at the fences reduced. A fence may take the keys of
    /// several open tables (each subquery reads one table), and a fenced parent's too.
    pub(super) fn reduce_by_open_keys(
        &self,
        targets: &mut [Target<'_, '_>],
        opens: &[Open<'_>],
        equalities: &[(Expr, Expr)],
    ) -> Vec<bool> {
        let mut reduced = vec![false; targets.len()];
        let mut done: Vec<(usize, usize)> = Vec::new();
        for (left, right) in equalities {
            for (a, b) in [(left, right), (right, left)] {
                let Some((o, open, key, ty)) = opens.iter().enumerate().find_map(|(o, open)| {
                    let col = self.column_of(a, &open.rel, false)?;
                    let ty = open.rel.table.column_type(&col)?;
                    let primary = matches!(open.rel.table.primary_key.as_slice(),
                        [k] if self.col_eq(k, &col));
                    (primary && !open.preds.is_empty() && pg_class(ty) == Some(Class::Integer))
                        .then_some((o, open, col, ty))
                }) else {
                    continue;
                };
                let Some((i, col)) = targets.iter().enumerate().find_map(|(i, t)| {
                    let col = self.column_of(b, t, false)?;
                    (t.from_where && t.table.column_type(&col) == Some(ty)).then_some((i, col))
                }) else {
                    continue;
                };
                let Some(target) = targets.get_mut(i) else {
                    continue;
                };
                if done.contains(&(o, i)) || !target.narrowed_by.is_empty() {
                    continue;
                }
                done.push((o, i));
                if let Some(reduced) = reduced.get_mut(i) {
                    *reduced = true;
                }
                if open
                    .preds
                    .iter()
                    .all(|(range, _)| range.as_ref().is_some_and(|c| self.col_eq(c, &key)))
                {
                    // Only ranges of the key itself (`p.id IN (1, 2)`): the same ranges of the
                    // other column, which an index serves without a subquery.
                    for (_, pred) in &open.preds {
                        let mut e = pred.clone();
                        let _ = sqlparser::ast::visit_expressions_mut(&mut e, |node| {
                            if self.column_of(node, &open.rel, false).is_some() {
                                *node = b.clone();
                            }
                            std::ops::ControlFlow::<()>::Continue(())
                        });
                        if self.leakproof(&e, target, false) {
                            self.move_into(e, target, false);
                        }
                    }
                    continue;
                }
                let keys = open.keys(&key);
                let column =
                    Expr::CompoundIdentifier(vec![quoted(&target.table.name.name), quoted(&col)]);
                and_into_fence(
                    Expr::InSubquery {
                        expr: Box::new(column),
                        subquery: Box::new(keys),
                        negated: false,
                    },
                    target,
                );
            }
        }
        reduced
    }
}

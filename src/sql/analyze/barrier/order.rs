//! ORDER BY and LIMIT inside the fence: what the planner cannot push through `OFFSET 0`, done
//! by the rewrite where the rows stay the same.

use super::*;

impl<'c> Walker<'c> {
    /// ORDER BY and LIMIT of a plain single-table SELECT go inside its fence too, so the
    /// database can read the table in index order and stop after `LIMIT` rows instead of
    /// filtering and sorting every row (a fence keeps PostgreSQL from pushing them in itself).
    /// The same rows come out, so only when: nothing of the caller's WHERE stayed above the
    /// fence (the LIMIT would cut rows before it), no GROUP BY, HAVING, DISTINCT or window
    /// clause, no function in the output but plain scalar ones (aggregates, window and
    /// set-returning functions depend on the whole row set), every ORDER BY item a visible
    /// column of the table (not an output name), and a literal LIMIT (and OFFSET) or FETCH
    /// FIRST, or, for the outermost query, the row cap that `rewrite` pushes as `LIMIT cap+1`.
    /// The sort runs on the fence's own output, after the row filter, and reads only columns
    /// the role may see. On PostgreSQL the same holds for one fence of inner joins that keep
    /// its rows one for one (`star`), the ORDER BY naming its columns qualified.
    pub(in crate::sql::analyze) fn push_order_into_fence(&self, q: &mut Query, cap: Option<u64>) {
        if self.fences.is_empty() || self.mode != Mode::Caller {
            return;
        }
        let Some(limit) = fence_limit(q, cap) else {
            return;
        };
        let Query { body, order_by, .. } = q;
        let Some(OrderBy {
            kind: OrderByKind::Expressions(items),
            interpolate: None,
        }) = order_by.as_ref()
        else {
            return;
        };
        let SetExpr::Select(s) = body.as_mut() else {
            return;
        };
        if items.is_empty() || !plain_select(s) {
            return;
        }
        // Output names a bare ORDER BY name would mean instead of the column: explicit
        // aliases, and names PostgreSQL gives expressions (`id::text` is the output `id`).
        let outputs: Vec<String> = s
            .projection
            .iter()
            .filter_map(|item| match item {
                SelectItem::ExprWithAlias { alias, .. } => {
                    Some(normalize_ident(self.dialect, alias))
                }
                SelectItem::UnnamedExpr(Expr::Identifier(_) | Expr::CompoundIdentifier(_)) => None,
                SelectItem::UnnamedExpr(e) => {
                    Some(super::super::columns::output_name(self.dialect, e))
                }
                _ => None,
            })
            .collect();
        let starred = s.projection.iter().any(|item| {
            matches!(
                item,
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
            )
        });
        let [twj] = s.from.as_mut_slice() else {
            return;
        };
        let level = std::rc::Rc::new(vec![ANY_NAME.to_string()]);
        let Some((mut tables, ons)) = self.star_items(twj, &level) else {
            return;
        };
        // With joins, only qualified names: a bare one may be another table's column.
        let unqualified = tables.len() == 1;
        for item in items {
            let sort_ok = matches!(
                item.options.sort,
                None | Some(OrderBySort::Asc) | Some(OrderBySort::Desc)
            );
            if item.with_fill.is_some() || !sort_ok {
                return;
            }
            // A bare name that is also an output name means the output column (PostgreSQL).
            if let Expr::Identifier(id) = &item.expr {
                let name = normalize_ident(self.dialect, id);
                if outputs.iter().any(|a| self.col_eq(a, &name)) {
                    return;
                }
            }
        }
        // The fence whose visible columns the ORDER BY names, every item of it.
        let Some((d, inner)) = tables.iter().enumerate().find_map(|(i, table)| {
            let star::Item::Fence(target) = table else {
                return None;
            };
            let inner: Option<Vec<OrderByExpr>> = items
                .iter()
                .map(|item| {
                    let col = self.column_of(&item.expr, target, unqualified)?;
                    Some(OrderByExpr {
                        expr: Expr::CompoundIdentifier(vec![
                            quoted(&target.table.name.name),
                            quoted(&col),
                        ]),
                        options: item.options.clone(),
                        with_fill: None,
                    })
                })
                .collect();
            Some((i, inner?))
        }) else {
            return;
        };
        let Some((keys, served)) = self.star_keys(&tables, d, &ons) else {
            return;
        };
        let Some(star::Item::Fence(target)) = tables.get_mut(d) else {
            return;
        };
        if target.query.order_by.is_some()
            || !matches!(target.query.body.as_ref(), SetExpr::Select(_))
        {
            return;
        }
        for (col, subquery) in keys {
            if !rekeyed(target.query, &col, &subquery) {
                let column =
                    Expr::CompoundIdentifier(vec![quoted(&target.table.name.name), quoted(&col)]);
                let e = Expr::InSubquery {
                    expr: Box::new(column),
                    subquery: Box::new(subquery),
                    negated: false,
                };
                and_into_fence(e, target);
            }
        }
        let fenced = &mut *target.query;
        fenced.order_by = Some(OrderBy {
            kind: OrderByKind::Expressions(inner),
            interpolate: None,
        });
        fenced.limit_clause = Some(fence_limit_clause(limit));
        // Written with the ordered table second (`customers c JOIN orders o ...`): put it first,
        // then look the others up, where no `*` would show the new order. (Later than second,
        // some ON before it would name it, which PostgreSQL refuses: left for it to refuse.)
        let reorder = d == 1 && !starred && ons.iter().all(|(_, left)| !left);
        if !reorder {
            self.lateral_lookups(&mut tables, d, &ons);
            return;
        }
        drop(tables);
        if star::ordered_first(twj, d, &served)
            && let Some((mut tables, ons)) = self.star_items(twj, &level)
        {
            self.lateral_lookups(&mut tables, 0, &ons);
        }
    }
}

/// `LIMIT n OFFSET 0`: a fence that stops after `n` rows.
pub(super) fn fence_limit_clause(n: u64) -> LimitClause {
    LimitClause::LimitOffset {
        limit: Some(Expr::value(Value::Number(n.to_string(), false))),
        offset: Some(Offset {
            value: Expr::value(Value::Number("0".into(), false)),
            rows: OffsetRows::None,
        }),
        limit_by: vec![],
    }
}

/// How many rows a query's own `LIMIT n [OFFSET k]` or `[OFFSET k] FETCH FIRST n ROWS ONLY`
/// (literals) reads: `n + k`, with `n` no more than `cap + 1`; `cap + 1` when it has no LIMIT
/// and a row cap applies to it.
fn fence_limit(q: &Query, cap: Option<u64>) -> Option<u64> {
    let literal = |e: &Expr| match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, false) => n.parse::<u64>().ok(),
            _ => None,
        },
        _ => None,
    };
    let fetch = cap.map(|c| c.saturating_add(1));
    // `FETCH FIRST n ROWS ONLY` is a LIMIT; `WITH TIES` and `PERCENT` are not.
    if let Some(f) = &q.fetch {
        if f.with_ties || f.percent {
            return None;
        }
        let n = match &f.quantity {
            Some(e) => literal(e)?,
            None => 1,
        };
        let n = fetch.map_or(n, |c| n.min(c));
        let k = match &q.limit_clause {
            None
            | Some(LimitClause::LimitOffset {
                limit: None,
                offset: None,
                ..
            }) => 0,
            Some(LimitClause::LimitOffset {
                limit: None,
                offset: Some(o),
                limit_by,
            }) if limit_by.is_empty() => literal(&o.value)?,
            Some(_) => return None,
        };
        return Some(n.saturating_add(k).min(i64::MAX as u64));
    }
    match &q.limit_clause {
        None => fetch,
        Some(LimitClause::LimitOffset {
            limit: Some(limit),
            offset,
            limit_by,
        }) if limit_by.is_empty() => {
            let n = literal(limit)?;
            let n = fetch.map_or(n, |f| n.min(f));
            let k = match offset {
                None => 0,
                Some(o) => literal(&o.value)?,
            };
            // The databases read a LIMIT as a signed 64-bit integer.
            Some(n.saturating_add(k).min(i64::MAX as u64))
        }
        _ => None,
    }
}

/// A SELECT whose output rows are its one FROM item's rows, one for one, in any order: no
/// WHERE left, no grouping, no DISTINCT, no window clause, and in the output list no function
/// but the plain scalar ones of [`SCALAR`] (an aggregate, window or set-returning function
/// depends on the whole row set, and a function a policy added may be any of those).
/// Subqueries in the output list are values of their row, computed after the LIMIT either way.
fn plain_select(s: &Select) -> bool {
    let grouped = match &s.group_by {
        GroupByExpr::Expressions(exprs, modifiers) => !exprs.is_empty() || !modifiers.is_empty(),
        GroupByExpr::All(_) => true,
    };
    let mut projection = s.projection.clone();
    let _ = sqlparser::ast::visit_expressions_mut(&mut projection, |e| {
        if matches!(
            e,
            Expr::Subquery(_) | Expr::Exists { .. } | Expr::InSubquery { .. }
        ) {
            *e = Expr::value(Value::Null);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    let computed = sqlparser::ast::visit_expressions(&projection, |e| match e {
        Expr::Function(f) if !scalar(f) => std::ops::ControlFlow::Break(()),
        _ => std::ops::ControlFlow::Continue(()),
    })
    .is_break();
    s.selection.is_none()
        && !grouped
        && !computed
        && s.having.is_none()
        && s.distinct.is_none()
        && s.top.is_none()
        && s.qualify.is_none()
        && s.prewhere.is_none()
        && s.named_window.is_empty()
        && s.lateral_views.is_empty()
        && s.connect_by.is_empty()
        && s.cluster_by.is_empty()
        && s.distribute_by.is_empty()
        && s.sort_by.is_empty()
        && s.into.is_none()
}

/// Built-in functions of one row's values, on both databases' allow-lists: one output row
/// each, whatever the rows around it.
const SCALAR: &[&str] = &[
    "abs",
    "age",
    "btrim",
    "ceil",
    "ceiling",
    "char_length",
    "coalesce",
    "concat",
    "concat_ws",
    "date",
    "date_part",
    "date_trunc",
    "datetime",
    "floor",
    "greatest",
    "ifnull",
    "iif",
    "initcap",
    "instr",
    "julianday",
    "least",
    "left",
    "length",
    "lower",
    "ltrim",
    "md5",
    "nullif",
    "position",
    "replace",
    "reverse",
    "right",
    "round",
    "rtrim",
    "sign",
    "split_part",
    "strftime",
    "substr",
    "substring",
    "to_char",
    "trim",
    "trunc",
    "upper",
];

/// A call of a [`SCALAR`] function by its plain name, with no window, filter or ordered set.
pub(super) fn scalar(f: &Function) -> bool {
    let [sqlparser::ast::ObjectNamePart::Identifier(name)] = f.name.0.as_slice() else {
        return false;
    };
    f.over.is_none()
        && f.filter.is_none()
        && f.within_group.is_empty()
        && SCALAR.contains(&name.value.to_ascii_lowercase().as_str())
}

/// If the fence's WHERE has `col IN (<keys>)` already, the same subquery but for its fence
/// (the hand-off of a narrowed parent's keys, `keys`), that one takes `keys` as they are here
/// (`true`); any other `IN` on the column (a row filter's own) is no reason to leave it out.
fn rekeyed(fence: &mut Query, col: &str, keys: &Query) -> bool {
    let SetExpr::Select(select) = fence.body.as_mut() else {
        return false;
    };
    sqlparser::ast::visit_expressions_mut(&mut select.selection, |e| match e {
        Expr::InSubquery {
            expr,
            subquery,
            negated: false,
        } if matches!(expr.as_ref(), Expr::CompoundIdentifier(parts)
                if parts.last().is_some_and(|p| p.value == col))
            && Query {
                limit_clause: None,
                ..subquery.as_ref().clone()
            } == *keys =>
        {
            **subquery = keys.clone();
            std::ops::ControlFlow::Break(())
        }
        _ => std::ops::ControlFlow::Continue(()),
    })
    .is_break()
}

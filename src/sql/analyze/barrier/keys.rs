//! Key ranges across inner-join equalities (PostgreSQL): a range moved into one fence is
//! carried into the other table's fence, as PostgreSQL's equivalence classes would without it.

use super::*;

impl<'c> Walker<'c> {
    /// PostgreSQL keeps a fenced table from taking join keys from outside, so a join of two
    /// filtered tables reads all of the second one. Where an inner join equates integer columns
    /// of two fenced tables (`o.id = ol.order_id`, both the same integer type) and a constant
    /// range on one of them moved into its fence (`o.id > 100`), the same range on the other
    /// column (`ol.order_id > 100`) cannot change the join's result (a row it removes has no
    /// partner) and is as leakproof as the original: it moves into the other fence, where an
    /// index on it can serve. PostgreSQL derives the same from its equivalence classes when no
    /// fence is in the way. One step only (ranges derived are not derived from again).
    pub(super) fn derive_key_ranges(
        &self,
        targets: &mut [Target<'_, '_>],
        equalities: &[(Expr, Expr)],
    ) {
        if !self.dialect.comparisons_can_raise() || targets.len() < 2 {
            return;
        }
        let locate = |targets: &[Target<'_, '_>], e: &Expr| -> Option<(usize, String)> {
            targets.iter().enumerate().find_map(|(i, t)| {
                let col = self.column_of(e, t, false)?;
                let ty = t.table.column_type(&col)?;
                (t.from_where && pg_class(ty) == Some(Class::Integer)).then_some((i, col))
            })
        };
        let mut derived: Vec<(usize, Expr)> = Vec::new();
        for (left, right) in equalities {
            let (Some((i, x)), Some((j, y))) = (locate(targets, left), locate(targets, right))
            else {
                continue;
            };
            let (Some(a), Some(b)) = (targets.get(i), targets.get(j)) else {
                continue;
            };
            if i == j || a.table.column_type(&x) != b.table.column_type(&y) {
                continue;
            }
            for (source, col, to, other) in [(a, &x, j, right), (b, &y, i, left)] {
                for (moved_col, pred) in &source.moved {
                    if !self.col_eq(moved_col, col) {
                        continue;
                    }
                    let mut e = pred.clone();
                    let _ = sqlparser::ast::visit_expressions_mut(&mut e, |node| {
                        if self.column_of(node, source, true).is_some() {
                            *node = other.clone();
                        }
                        std::ops::ControlFlow::<()>::Continue(())
                    });
                    derived.push((to, e));
                }
            }
        }
        for (to, e) in derived {
            if let Some(target) = targets.get_mut(to)
                && self.leakproof(&e, target, false)
            {
                self.move_into(e, target, false);
            }
        }
    }

    /// The one column of `target` that a moved predicate bounds by constants (`col op k`,
    /// `k op col`, `col BETWEEN k1 AND k2`, `col IN (k, ...)`), if it has that shape.
    pub(super) fn range_column(
        &self,
        e: &Expr,
        target: &Target<'_, '_>,
        unqualified: bool,
    ) -> Option<String> {
        let col = |x: &Expr| self.column_of(x, target, unqualified);
        match e {
            Expr::Nested(x) => self.range_column(x, target, unqualified),
            Expr::BinaryOp {
                left,
                op:
                    BinaryOperator::Eq
                    | BinaryOperator::Lt
                    | BinaryOperator::LtEq
                    | BinaryOperator::Gt
                    | BinaryOperator::GtEq,
                right,
            } => match (col(left), col(right)) {
                (Some(c), None) | (None, Some(c)) => Some(c),
                _ => None,
            },
            Expr::Between {
                expr,
                negated: false,
                ..
            } => col(expr),
            Expr::InList {
                expr,
                negated: false,
                ..
            } => col(expr),
            _ => None,
        }
    }
}

/// The `a = b` conjuncts of `e` whose both sides are column references (`(a, b)` pairs).
pub(super) fn column_equalities(e: &Expr) -> Vec<(Expr, Expr)> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Nested(x) => stack.push(x),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => {
                stack.push(left);
                stack.push(right);
            }
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } if matches!(**left, Expr::CompoundIdentifier(_))
                && matches!(**right, Expr::CompoundIdentifier(_)) =>
            {
                out.push(((**left).clone(), (**right).clone()));
            }
            _ => {}
        }
    }
    out
}

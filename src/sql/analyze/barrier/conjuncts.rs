//! Conjunct lists: splitting a predicate at its ANDs, joining parts back, and ANDing a part
//! into a fence's WHERE.

use super::*;

/// `a AND b AND (c AND d)` -> `[a, b, c, d]`; any other expression is one conjunct.
pub(super) fn conjuncts(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            conjuncts(*left, out);
            conjuncts(*right, out);
        }
        Expr::Nested(inner)
            if matches!(
                *inner,
                Expr::BinaryOp {
                    op: BinaryOperator::And,
                    ..
                }
            ) =>
        {
            conjuncts(*inner, out)
        }
        other => out.push(other),
    }
}

/// The operands of `e`'s ANDs, through every parenthesis: `(a AND (b)) AND c` -> `[a, b, c]`
/// (in no particular order).
pub(super) fn and_leaves(e: &Expr) -> Vec<&Expr> {
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
            leaf => out.push(leaf),
        }
    }
    out
}

/// [`and_leaves`], to change in place.
pub(super) fn and_leaves_mut(e: &mut Expr) -> Vec<&mut Expr> {
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
            leaf => out.push(leaf),
        }
    }
    out
}

pub(super) fn and_all(parts: Vec<Expr>) -> Option<Expr> {
    parts
        .into_iter()
        .map(conjunct)
        .reduce(|left, right| Expr::BinaryOp {
            left: Box::new(left),
            op: BinaryOperator::And,
            right: Box::new(right),
        })
}

/// `e` ready to be an operand of AND. The printer adds no parentheses of its own: an OR put
/// under an AND without them prints as `x AND a OR b`, which the database reads as
/// `(x AND a) OR b`, so a moved `a OR b` would widen the row filter it joins.
fn conjunct(e: Expr) -> Expr {
    match e {
        // The only operators that bind more loosely than AND (on both databases).
        Expr::BinaryOp {
            op: BinaryOperator::Or | BinaryOperator::Xor,
            ..
        } => Expr::Nested(Box::new(e)),
        other => other,
    }
}

/// AND `e` (its columns already named by the base table) into the fence's WHERE.
pub(super) fn and_into_fence(e: Expr, target: &mut Target<'_, '_>) {
    let SetExpr::Select(inner) = target.query.body.as_mut() else {
        return;
    };
    inner.selection = Some(match inner.selection.take() {
        // The row filter keeps its own parentheses: it may be an OR.
        Some(filter) if !target.pushed => Expr::BinaryOp {
            left: Box::new(Expr::Nested(Box::new(filter))),
            op: BinaryOperator::And,
            right: Box::new(conjunct(e)),
        },
        Some(before) => Expr::BinaryOp {
            left: Box::new(before),
            op: BinaryOperator::And,
            right: Box::new(conjunct(e)),
        },
        None => e,
    });
    target.pushed = true;
}

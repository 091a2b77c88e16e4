//! Signs (`-x`, `+x`) as PostgreSQL binds them, printed so that they are read back the same.

use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator, Value};

/// Whether `e` is an operation PostgreSQL binds looser than a sign in front of it, which the
/// parser nevertheless gave to the sign whole (only without parentheses: a user's `-(2 ^ 2)`
/// is a `Nested`).
pub(super) fn binds_looser_than_sign(e: &Expr) -> bool {
    matches!(
        e,
        Expr::BinaryOp {
            op: BinaryOperator::PGExp,
            ..
        } | Expr::AtTimeZone { .. }
            | Expr::Collate { .. }
    )
}

/// `op` applied where PostgreSQL applies it: to the leftmost operand of the chain of `^`,
/// AT TIME ZONE and COLLATE it was parsed over, in parentheses so that the printed text is
/// read the same way again (`- 2 ^ 3 ^ 2` becomes `(-2) ^ 3 ^ 2`).
pub(super) fn sign_operand(op: UnaryOperator, e: Expr) -> Expr {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::PGExp,
            right,
        } => Expr::BinaryOp {
            left: Box::new(sign_operand(op, *left)),
            op: BinaryOperator::PGExp,
            right,
        },
        Expr::AtTimeZone {
            timestamp,
            time_zone,
        } => Expr::AtTimeZone {
            timestamp: Box::new(sign_operand(op, *timestamp)),
            time_zone,
        },
        Expr::Collate { expr, collation } => Expr::Collate {
            expr: Box::new(sign_operand(op, *expr)),
            collation,
        },
        operand => {
            let operand = if signed(&operand) {
                Expr::Nested(Box::new(operand))
            } else {
                operand
            };
            Expr::Nested(Box::new(Expr::UnaryOp {
                op,
                expr: Box::new(operand),
            }))
        }
    }
}

/// Whether `e` must be parenthesized as the operand of a sign: it prints starting with a sign
/// or another prefix operator, or it is a binary operation (the parser binds `-2 ^ 2` as
/// `-(2 ^ 2)`, PostgreSQL reads that text as `(-2) ^ 2`).
pub(super) fn signed(e: &Expr) -> bool {
    match e {
        Expr::UnaryOp { .. } | Expr::BinaryOp { .. } => true,
        Expr::Value(v) => matches!(&v.value, Value::Number(n, _) if n.starts_with(['-', '+'])),
        _ => false,
    }
}

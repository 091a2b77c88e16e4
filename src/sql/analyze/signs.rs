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

/// Operators whose precedence the parser and PostgreSQL disagree on, where the two would read
/// one text as different trees: governance would check one statement and the database run
/// another (a red-team finding; the re-parse check cannot see it, the parser reading its own
/// output consistently). Such text is refused, asking for parentheses.
///
/// - The regular-expression and `~~` operators (`~`, `~*`, `!~`, `!~*`, `~~`, `~~*`, `!~~`,
///   `!~~*`) bind as `=` in the parser, as any other operator (tighter than LIKE, IN, BETWEEN
///   and comparisons, looser than `+`) in PostgreSQL: `'ab' ~ 'a' || 'z'` is `'ab' ~ ('a' ||
///   'z')` to the parser, `('ab' ~ 'a') || 'z'` to PostgreSQL. Refused: such an operator with
///   a comparison, LIKE, IN, BETWEEN or IS on its left, or anything but arithmetic on its
///   right, without parentheses.
/// - The prefix operators `~`, `@`, `|/`, `||/` take their operand up to a `+` or `-` in the
///   parser, past it in PostgreSQL: `@ -5 + 3` is `(@ -5) + 3` (8) to the parser, `@ (-5 + 3)`
///   (2) to PostgreSQL. Refused: a `+` or `-` right after such an operator's operand.
pub(super) fn precedence_agrees(op: &BinaryOperator, left: &Expr, right: &Expr) -> bool {
    if regex(op) {
        return !looser_than_other(left, true) && !looser_than_other(right, false);
    }
    !(matches!(op, BinaryOperator::Plus | BinaryOperator::Minus) && ends_in_prefix_operator(left))
}

/// The refusal of text [`precedence_agrees`] rejects.
pub(super) fn ambiguous_precedence() -> super::Denial {
    super::Denial::new(
        super::Rule::UnsupportedSyntax,
        "this operator text binds one way in the SQL parser and another in PostgreSQL: a regular-expression operator (~, ~*, !~, !~*, ~~, ...) beside a comparison, LIKE, IN, BETWEEN or another operator, or a + or - after a prefix ~, @, |/ or ||/; add parentheses to say which is meant, e.g. (name ~ 'a') = true, name ~ ('a' || sku), @(x + 1)",
    )
}

/// PostgreSQL's regular-expression and `~~` (LIKE) operators.
pub(super) fn regex(op: &BinaryOperator) -> bool {
    use BinaryOperator as B;
    matches!(
        op,
        B::PGRegexMatch
            | B::PGRegexIMatch
            | B::PGRegexNotMatch
            | B::PGRegexNotIMatch
            | B::PGLikeMatch
            | B::PGILikeMatch
            | B::PGNotLikeMatch
            | B::PGNotILikeMatch
    )
}

/// Whether `e`, unparenthesized beside a regular-expression operator, binds looser than
/// PostgreSQL's other operators (on the `left`, the other operators themselves are read the
/// same way by both: left to right).
fn looser_than_other(e: &Expr, left: bool) -> bool {
    use BinaryOperator as B;
    match e {
        Expr::BinaryOp { op, .. } => match op {
            B::Plus | B::Minus | B::Multiply | B::Divide | B::Modulo | B::PGExp => false,
            B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq | B::And | B::Or => true,
            other => !left || matches!(other, B::Spaceship),
        },
        Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::SimilarTo { .. }
        | Expr::RLike { .. }
        | Expr::Between { .. }
        | Expr::InList { .. }
        | Expr::InSubquery { .. }
        | Expr::InUnnest { .. }
        | Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsNotTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotFalse(_)
        | Expr::IsUnknown(_)
        | Expr::IsNotUnknown(_)
        | Expr::IsDistinctFrom(..)
        | Expr::IsNotDistinctFrom(..)
        | Expr::AnyOp { .. }
        | Expr::AllOp { .. } => true,
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            ..
        } => true,
        _ => false,
    }
}

/// Whether `e` ends, unparenthesized, in a prefix `~`, `@`, `|/` or `||/` (so a `+` or `-`
/// after it would be part of that operator's operand to PostgreSQL).
fn ends_in_prefix_operator(e: &Expr) -> bool {
    match e {
        Expr::BinaryOp { right, .. } => ends_in_prefix_operator(right),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus | UnaryOperator::Not,
            expr,
        } => ends_in_prefix_operator(expr),
        Expr::UnaryOp { .. } => true,
        _ => false,
    }
}

//! Computed counts and widths of value builders (`repeat(s, depth)`, `lpad(x, n)`), checked
//! when the statement runs (PostgreSQL): `CASE WHEN n IS NULL OR n <= max THEN LEAST(n, max)
//! ELSE (SELECT CAST(concat('<message>') AS INTEGER)) END`. The failing branch is a scalar
//! subquery, which PostgreSQL evaluates only when a row reaches it (see `series`).
//!
//! `n` is read more than once. Volatile counts are refused before this (`guarded_size`), but a
//! subquery may still read two different rows (`LIMIT 1` over a parallel scan), so the count
//! that is used is clamped as well: the check gives the error, the clamp the bound.

use sqlparser::ast::{BinaryOperator, CaseWhen, CastKind, DataType, Expr, Value};

/// The guard around a count or width that is no literal; one already in that form is left
/// (a governed statement governed again).
pub(super) fn guard(e: &mut Expr, name: &str, max: u64) {
    if matches!(e, Expr::Value(_)) {
        return;
    }
    if let Expr::Case {
        conditions,
        else_result: Some(_),
        operand: None,
        ..
    } = &*e
        && let [w] = conditions.as_slice()
        && let Expr::Function(least) = &w.result
        && let sqlparser::ast::FunctionArguments::List(list) = &least.args
        && let Some(sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(
            Expr::Nested(n),
        ))) = list.args.first()
        && *e == guarded(n, name, max)
    {
        return;
    }
    *e = guarded(e, name, max);
}

fn guarded(n: &Expr, name: &str, max: u64) -> Expr {
    let nested = || Box::new(Expr::Nested(Box::new(n.clone())));
    let limit = || Expr::value(Value::Number(max.to_string(), false));
    let message = format!(
        "{name}(...) was given a count or width over {max} when the statement ran: keep it at most {max}"
    );
    let fail = crate::sql::rewrite::scalar_subquery(Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(crate::sql::rewrite::call(
            "concat",
            vec![Expr::value(Value::SingleQuotedString(message))],
        )),
        data_type: DataType::Integer(None),
        format: None,
    });
    Expr::Case {
        case_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
        end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
        operand: None,
        conditions: vec![CaseWhen {
            condition: Expr::BinaryOp {
                left: Box::new(Expr::IsNull(nested())),
                op: BinaryOperator::Or,
                right: Box::new(Expr::BinaryOp {
                    left: nested(),
                    op: BinaryOperator::LtEq,
                    right: Box::new(limit()),
                }),
            },
            result: crate::sql::rewrite::call("least", vec![*nested(), limit()]),
        }],
        else_result: Some(Box::new(fail)),
    }
}

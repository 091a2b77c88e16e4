//! `generate_series` (PostgreSQL) where the rows it makes are bounded.
//!
//! PostgreSQL materializes a set-returning function's whole output before the first row is read,
//! so neither the row cap nor a LIMIT stops a huge series: only its arguments can. Allowed, once
//! per statement:
//! - numbers: literal start and stop (and step), at most [`MAX_ROWS`] values; or any start and
//!   stop with a literal step (1 when none is given), guarded at run time as dates are;
//! - dates and timestamps: any start and stop, with a literal interval step, up or down, of at
//!   most [`MAX_STEP_DAYS`] days (`'1 month'`, `interval '1 day'`, `'-15 minutes'::interval`).
//!   After the arguments are governed, the step is rewritten so that bounds that would make
//!   more than [`MAX_ROWS`] + 1 values fail with an error before any is made, whatever the
//!   bounds are (a column, an aggregate, arithmetic, a caller's literal); see [`cap`]. The
//!   bounds keep their types (the start is only guarded against infinity), so PostgreSQL picks
//!   the same function as for the caller's call (`date` bounds make `timestamptz` values).

use rust_decimal::Decimal;
use sqlparser::ast::CaseWhen;
use sqlparser::ast::helpers::attached_token::AttachedToken;

use super::*;

/// The most values a series may make.
pub(crate) const MAX_ROWS: i128 = 100_000;

/// The longest step of a date/time series, so that `start + step * MAX_ROWS` stays within
/// PostgreSQL's timestamp range.
pub(crate) const MAX_STEP_DAYS: u64 = 800;

/// Whether `generate_series(args)` makes a bounded number of rows (for a date/time series, once
/// [`cap`] has rewritten it).
pub(super) fn bounded(args: &[&Expr]) -> bool {
    match args {
        [start, stop] => number_count(start, stop, None).is_some() || !literals(start, stop),
        [start, stop, step] => {
            number_count(start, stop, Some(step)).is_some()
                || interval_step(step).is_some()
                || (number_step(step).is_some() && !literals(start, stop))
                || already_capped(start, stop, step)
                || number_capped(start, stop, step)
        }
        _ => false,
    }
}

/// Whether both bounds are number literals: such a series is counted, never guarded (one
/// that makes too many values is refused outright).
fn literals(start: &Expr, stop: &Expr) -> bool {
    number(start).is_some() && number(stop).is_some()
}

/// A literal number step that is not zero.
fn number_step(e: &Expr) -> Option<Decimal> {
    number(e).filter(|s| !s.is_zero())
}

/// Rewrite a date/time series so that bounds making more than [`MAX_ROWS`] + 1 values fail
/// with an error before any is made (see the module docs). Runs after the arguments were
/// governed; a call already in that form (its step no literal any more) is left as it is.
pub(super) fn cap(args: &mut Vec<FunctionArg>) {
    // A number series of computed bounds without a step counts by one.
    if let [
        FunctionArg::Unnamed(FunctionArgExpr::Expr(start)),
        FunctionArg::Unnamed(FunctionArgExpr::Expr(stop)),
    ] = args.as_slice()
        && !literals(start, stop)
    {
        args.push(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::value(
            Value::Number("1".into(), false),
        ))));
    }
    let [
        FunctionArg::Unnamed(FunctionArgExpr::Expr(start)),
        FunctionArg::Unnamed(FunctionArgExpr::Expr(stop)),
        FunctionArg::Unnamed(FunctionArgExpr::Expr(step)),
    ] = args.as_mut_slice()
    else {
        return;
    };
    if let Some(n) = number_step(step) {
        if !literals(start, stop) {
            *step = guarded_number_step(start, stop, step, n);
        }
        return;
    }
    let Some((text, down)) = interval_step(step) else {
        return;
    };
    if number(start).is_some() {
        return;
    }
    // (a step in the guarded form is no literal: a printed rewrite governed again is left)
    *step = guarded_step(start, stop, &text, down);
    *start = finite(start.clone());
}

/// The one result of `CASE WHEN c THEN result [ELSE e] END` (with an ELSE when `otherwise`).
fn only_result(e: &Expr, otherwise: bool) -> Option<&Expr> {
    let Expr::Case {
        conditions,
        else_result,
        ..
    } = e
    else {
        return None;
    };
    match conditions.as_slice() {
        [CaseWhen { result, .. }] if else_result.is_some() == otherwise => Some(result),
        _ => None,
    }
}

/// Whether the arguments are exactly what [`cap`] makes of a date/time series (its rewrite,
/// printed and governed again).
fn already_capped(start: &Expr, stop: &Expr, step: &Expr) -> bool {
    let Some((text, down)) = only_result(step, true).and_then(interval_step) else {
        return false;
    };
    let Some(a) = only_result(start, false) else {
        return false;
    };
    *start == finite(a.clone()) && *step == guarded_step(a, stop, &text, down)
}

/// Whether the step is exactly what [`cap`] makes of a number series' literal step.
fn number_capped(start: &Expr, stop: &Expr, step: &Expr) -> bool {
    only_result(step, true).is_some_and(|result| {
        number_step(result).is_some_and(|n| *step == guarded_number_step(start, stop, result, n))
    })
}

/// A number series' step, checked as a date series' is: `CASE WHEN (a) IS NULL OR (b) IS NULL
/// OR (b) <= (a) + CAST(s AS NUMERIC) * MAX_ROWS THEN s ELSE (SELECT CAST(concat('<message>') AS
/// INTEGER)) END` (a step down: `(a) <= (b) + CAST(-s AS NUMERIC) * MAX_ROWS`). The reach is
/// reckoned in `numeric`, exactly and without overflow whatever the bounds' types; the step
/// keeps its type, so PostgreSQL picks the function the caller called.
fn guarded_number_step(a: &Expr, b: &Expr, step: &Expr, n: Decimal) -> Expr {
    let nested = |e: &Expr| Expr::Nested(Box::new(e.clone()));
    let (from, to) = if n.is_sign_negative() { (b, a) } else { (a, b) };
    let magnitude = Expr::value(Value::Number(n.abs().normalize().to_string(), false));
    let numeric = |e: Expr| Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(e),
        data_type: DataType::Numeric(sqlparser::ast::ExactNumberInfo::None),
        format: None,
    };
    let reach = Expr::BinaryOp {
        left: Box::new(nested(from)),
        op: BinaryOperator::Plus,
        right: Box::new(Expr::BinaryOp {
            left: Box::new(numeric(magnitude)),
            op: BinaryOperator::Multiply,
            right: Box::new(Expr::value(Value::Number(MAX_ROWS.to_string(), false))),
        }),
    };
    let condition = or(
        or(
            Expr::IsNull(Box::new(nested(a))),
            Expr::IsNull(Box::new(nested(b))),
        ),
        Expr::BinaryOp {
            left: Box::new(nested(to)),
            op: BinaryOperator::LtEq,
            right: Box::new(reach),
        },
    );
    case(
        condition,
        step.clone(),
        Some(too_many(DataType::Integer(None))),
    )
}

/// `(SELECT CAST(concat('<message>') AS <type>))`: fails with the message when a row reaches
/// it. In a subquery, since PostgreSQL evaluates stable calls of constants while estimating a
/// number series' rows (its planner support function), on every branch of a CASE: a bare
/// `CAST(concat(...) AS INTEGER)` failed every guarded series, needed or not.
fn too_many(data_type: DataType) -> Expr {
    let message = format!(
        "generate_series would make more than {} values: narrow its bounds or lengthen its step",
        MAX_ROWS + 1
    );
    crate::sql::rewrite::scalar_subquery(Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(crate::sql::rewrite::call("concat", vec![text(&message)])),
        data_type,
        format: None,
    })
}

/// `CASE WHEN isfinite(a) THEN a END`: an infinite start makes no rows (it would never end).
fn finite(a: Expr) -> Expr {
    case(
        crate::sql::rewrite::call("isfinite", vec![a.clone()]),
        a,
        None,
    )
}

fn case(condition: Expr, result: Expr, otherwise: Option<Expr>) -> Expr {
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: vec![CaseWhen { condition, result }],
        else_result: otherwise.map(Box::new),
    }
}

fn interval(e: Expr) -> Expr {
    Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(e),
        data_type: DataType::Interval {
            fields: None,
            precision: None,
        },
        format: None,
    }
}

fn text(s: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(s.to_string()))
}

fn or(a: Expr, b: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(a),
        op: BinaryOperator::Or,
        right: Box::new(b),
    }
}

/// The step, checked: `CASE WHEN (a) IS NULL OR (b) IS NULL OR (b) <= (a) + CAST(s AS
/// INTERVAL) * MAX_ROWS THEN CAST(s AS INTERVAL) ELSE (SELECT CAST(concat('<message>') AS
/// INTERVAL)) END` (a step down: `(a) <= (b) + CAST(-s AS INTERVAL) * MAX_ROWS`, forward from the stop, as a
/// step back from `a` a hundred thousand times can fall before 4713 BC). The step is an
/// interval whatever the bounds are, so PostgreSQL still picks the function the caller called;
/// the ELSE fails with the message when it runs (see [`too_many`]).
fn guarded_step(a: &Expr, b: &Expr, step: &str, down: bool) -> Expr {
    let nested = |e: &Expr| Expr::Nested(Box::new(e.clone()));
    let (from, to, forward) = if down {
        (b, a, step.trim().trim_start_matches('-'))
    } else {
        (a, b, step)
    };
    let reach = Expr::BinaryOp {
        left: Box::new(nested(from)),
        op: BinaryOperator::Plus,
        right: Box::new(Expr::BinaryOp {
            left: Box::new(interval(text(forward))),
            op: BinaryOperator::Multiply,
            right: Box::new(Expr::value(Value::Number(MAX_ROWS.to_string(), false))),
        }),
    };
    let within = Expr::BinaryOp {
        left: Box::new(nested(to)),
        op: BinaryOperator::LtEq,
        right: Box::new(reach),
    };
    let condition = or(
        or(
            Expr::IsNull(Box::new(nested(a))),
            Expr::IsNull(Box::new(nested(b))),
        ),
        within,
    );
    case(
        condition,
        interval(text(step)),
        Some(too_many(DataType::Interval {
            fields: None,
            precision: None,
        })),
    )
}

/// How many values a series of number literals makes, if at most [`MAX_ROWS`].
fn number_count(start: &Expr, stop: &Expr, step: Option<&Expr>) -> Option<Decimal> {
    let a = number(start)?;
    let b = number(stop)?;
    let s = match step {
        Some(e) => number(e)?,
        None => Decimal::ONE,
    };
    if s.is_zero() {
        return None;
    }
    let count = (b.checked_sub(a)?.checked_div(s)?.floor() + Decimal::ONE).max(Decimal::ZERO);
    (count <= Decimal::from(MAX_ROWS as i64)).then_some(count)
}

/// A number literal (`12`, `-0.5`, `1e3`), exactly: PostgreSQL counts a numeric series
/// exactly, so a float's rounding would let `generate_series(1e30, 1e30 + 2e6)` pass as one
/// value. A literal beyond 28 significant digits is no bound.
fn number(e: &Expr) -> Option<Decimal> {
    match e {
        Expr::Nested(x) => number(x),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => number(expr).map(|n| -n),
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) if n.contains(['e', 'E']) => Decimal::from_scientific(n).ok(),
            Value::Number(n, _) => Decimal::from_str_exact(n).ok(),
            _ => None,
        },
        _ => None,
    }
}

/// The text of a literal step of at most [`MAX_STEP_DAYS`] either way, and whether it goes down
/// (`'1 month'`, `interval '7 days'`, `'-1 mon'::interval`, `CAST('1 hour' AS INTERVAL)`).
fn interval_step(e: &Expr) -> Option<(String, bool)> {
    let text = match e {
        Expr::Nested(x) => return interval_step(x),
        Expr::Value(v) => literal(&v.value),
        Expr::Interval(i) if i.leading_field.is_none() && i.last_field.is_none() => {
            match i.value.as_ref() {
                Expr::Value(v) => literal(&v.value),
                _ => None,
            }
        }
        Expr::Cast {
            expr,
            data_type: DataType::Interval { fields: None, .. },
            format: None,
            ..
        } => match expr.as_ref() {
            Expr::Value(v) => literal(&v.value),
            _ => None,
        },
        _ => None,
    }?;
    let seconds = step_seconds(&text)?;
    (1..=MAX_STEP_DAYS * 86_400)
        .contains(&seconds.unsigned_abs())
        .then_some((text, seconds < 0))
}

fn literal(v: &Value) -> Option<String> {
    match v {
        Value::SingleQuotedString(s) => Some(s.clone()),
        _ => None,
    }
}

/// `N unit` in seconds (months as 31 days, years as 366), if it is one whole quantity.
fn step_seconds(s: &str) -> Option<i64> {
    let mut parts = s.split_whitespace();
    let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let n: i64 = n.parse().ok()?;
    let unit: i64 = match unit.to_ascii_lowercase().as_str() {
        "second" | "seconds" | "sec" | "secs" => 1,
        "minute" | "minutes" | "min" | "mins" => 60,
        "hour" | "hours" => 3_600,
        "day" | "days" => 86_400,
        "week" | "weeks" => 7 * 86_400,
        "mon" | "mons" | "month" | "months" => 31 * 86_400,
        "year" | "years" => 366 * 86_400,
        _ => return None,
    };
    n.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(sql: &str) -> bool {
        let stmt = crate::dialect::Dialect::Postgres
            .parser()
            .try_with_sql(&format!("SELECT generate_series({sql})"))
            .and_then(|mut p| p.parse_statement())
            .expect("parses");
        let Statement::Query(q) = stmt else {
            panic!("a query")
        };
        let SetExpr::Select(s) = q.body.as_ref() else {
            panic!("a select")
        };
        let Some(SelectItem::UnnamedExpr(Expr::Function(f))) = s.projection.first() else {
            panic!("a call")
        };
        let FunctionArguments::List(list) = &f.args else {
            panic!("arguments")
        };
        let exprs: Vec<&Expr> = list
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect();
        bounded(&exprs)
    }

    #[test]
    fn bounded_series() {
        for ok in [
            "1, 10",
            "-5, 5",
            "1, 100000",
            "0, 999990, 10",
            "10, 1, -1",
            "date_trunc('month', min(paid_at)), date_trunc('month', max(paid_at)), '1 month'",
            "'2024-01-01'::date, '2024-12-31'::date, interval '1 day'",
            "DATE '2020-01-01', current_date, '1 week'::interval",
            "(SELECT min(ordered_at) FROM orders), now(), '1 mon'",
            "current_date - 30, current_date, '1 day'",
            "min(x), max(x), '15 minutes'",
            "'0001-01-01', '9999-12-31', '1 day'",
            "max(x), min(x), '-1 days'",
            "1.0, 2.0, 0.5",
            "-1.5, 1e3",
            // computed number bounds: guarded at run time
            "1, n",
            "1, (SELECT max(id) FROM t)",
            "1, 5 * 2",
            "max(id), min(id), -1",
            "0, (SELECT count(*) FROM t), 0.25",
        ] {
            assert!(args(ok), "{ok}");
        }
        for bad in [
            "1, 100001",
            "1, 9223372036854775807",
            "1, 10, 0",
            "1, n, 0",
            "1, n, n",
            "min(x), max(x), step_col",
            "min(x), max(x), '1 month 1 second'",
            "min(x), max(x), '0 days'",
            "min(x), max(x), '-3 years'",
            "0.0, 1.0, 0.000001",
            "1.0, 2.0, 0",
            "min(x), max(x), '3 years'",
            "min(x), max(x), '1 microsecond'",
        ] {
            assert!(!args(bad), "{bad}");
        }
    }

    #[test]
    fn a_time_series_is_capped_once() {
        let stmt = crate::dialect::Dialect::Postgres
            .parser()
            .try_with_sql("SELECT * FROM generate_series(min_at, 'infinity', '1 day')")
            .and_then(|mut p| p.parse_statement())
            .expect("parses");
        let Statement::Query(mut q) = stmt else {
            panic!("a query")
        };
        let SetExpr::Select(s) = q.body.as_mut() else {
            panic!("a select")
        };
        let TableFactor::Table {
            args: Some(table_args),
            ..
        } = &mut s.from[0].relation
        else {
            panic!("a table function")
        };
        cap(&mut table_args.args);
        let once = q.to_string();
        assert_eq!(
            once,
            "SELECT * FROM generate_series(CASE WHEN isfinite(min_at) THEN min_at END, 'infinity', CASE WHEN (min_at) IS NULL OR ('infinity') IS NULL OR ('infinity') <= (min_at) + CAST('1 day' AS INTERVAL) * 100000 THEN CAST('1 day' AS INTERVAL) ELSE (SELECT CAST(concat('generate_series would make more than 100001 values: narrow its bounds or lengthen its step') AS INTERVAL)) END)"
        );
        let SetExpr::Select(s) = q.body.as_mut() else {
            panic!("a select")
        };
        let TableFactor::Table {
            args: Some(table_args),
            ..
        } = &mut s.from[0].relation
        else {
            panic!("a table function")
        };
        cap(&mut table_args.args);
        assert_eq!(q.to_string(), once);
    }
}

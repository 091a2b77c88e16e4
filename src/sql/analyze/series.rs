//! `generate_series` (PostgreSQL) where the rows it makes are bounded.
//!
//! PostgreSQL materializes a set-returning function's whole output before the first row is read,
//! so neither the row cap nor a LIMIT stops a huge series: only its arguments can. Allowed:
//! - integers: literal start and stop (and step), at most [`MAX_ROWS`] values;
//! - dates and timestamps: a literal interval step of whole days, weeks, months or years, and
//!   bounds that are literals in the years 1900-2200, the current date or time, or values of the
//!   data (a column, `min`/`max` of one, `date_trunc` or a cast of those, or a scalar subquery
//!   selecting one), so a month spine over a table is fine and the statement timeout contains
//!   the rest. Arithmetic on bounds (`max(x) + interval '1000 years'`) is refused.
//!
//! This only decides the shape; the arguments are still walked and authorized as usual.

use super::*;

/// The most values an integer series may make.
pub(crate) const MAX_ROWS: i128 = 100_000;

/// Whether `generate_series(args)` makes a bounded number of rows.
pub(super) fn bounded(args: &[&Expr]) -> bool {
    match args {
        [start, stop] => integer_count(start, stop, None).is_some(),
        [start, stop, step] => {
            integer_count(start, stop, Some(step)).is_some()
                || (interval_step(step) && time_bound(start) && time_bound(stop))
        }
        _ => false,
    }
}

/// How many values an integer series of literals makes, if at most [`MAX_ROWS`].
fn integer_count(start: &Expr, stop: &Expr, step: Option<&Expr>) -> Option<i128> {
    let a = integer(start)?;
    let b = integer(stop)?;
    let s = match step {
        Some(e) => integer(e)?,
        None => 1,
    };
    if s == 0 {
        return None;
    }
    let count = if (b - a).signum() * s.signum() < 0 {
        0
    } else {
        (b - a) / s + 1
    };
    (count <= MAX_ROWS).then_some(count)
}

fn integer(e: &Expr) -> Option<i128> {
    match e {
        Expr::Nested(x) => integer(x),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => integer(expr).map(|n| -n),
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse::<i64>().ok().map(i128::from),
            _ => None,
        },
        _ => None,
    }
}

/// A literal step of a whole number of days, weeks, months or years (`'1 month'`,
/// `interval '7 days'`, `'1 mon'::interval`).
fn interval_step(e: &Expr) -> bool {
    match e {
        Expr::Nested(x) => interval_step(x),
        Expr::Value(v) => matches!(&v.value, Value::SingleQuotedString(s) if coarse_interval(s)),
        Expr::Interval(i) => {
            i.leading_field.is_none()
                && i.last_field.is_none()
                && matches!(i.value.as_ref(), Expr::Value(v)
                    if matches!(&v.value, Value::SingleQuotedString(s) if coarse_interval(s)))
        }
        Expr::Cast {
            expr,
            data_type: DataType::Interval { fields: None, .. },
            format: None,
            ..
        } => {
            matches!(expr.as_ref(), Expr::Value(v)
                if matches!(&v.value, Value::SingleQuotedString(s) if coarse_interval(s)))
        }
        _ => false,
    }
}

/// `N unit` with 1 <= N <= 1000 and a unit of at least a day.
fn coarse_interval(s: &str) -> bool {
    let mut parts = s.split_whitespace();
    let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    n.parse::<u32>().is_ok_and(|n| (1..=1000).contains(&n))
        && matches!(
            unit.to_ascii_lowercase().as_str(),
            "day"
                | "days"
                | "week"
                | "weeks"
                | "mon"
                | "mons"
                | "month"
                | "months"
                | "year"
                | "years"
        )
}

/// A date or timestamp bound that comes from a literal of a sane year, the clock, or the data.
fn time_bound(e: &Expr) -> bool {
    match e {
        Expr::Nested(x) => time_bound(x),
        Expr::Value(v) => matches!(&v.value, Value::SingleQuotedString(s) if sane_literal(s)),
        Expr::TypedString(t) => {
            matches!(&t.value.value, Value::SingleQuotedString(s) if sane_literal(s))
        }
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => true,
        Expr::Cast {
            expr,
            data_type,
            format: None,
            ..
        } => {
            matches!(
                data_type,
                DataType::Date | DataType::Timestamp(..) | DataType::Datetime(_)
            ) && time_bound(expr)
        }
        Expr::Function(f) => clock_or_data(f),
        Expr::Subquery(q) => scalar_of_data(q),
        _ => false,
    }
}

fn sane_literal(s: &str) -> bool {
    s.get(..4)
        .and_then(|y| y.parse::<u32>().ok())
        .is_some_and(|y| (1900..=2200).contains(&y))
        && s.get(4..5) == Some("-")
}

/// `now()`, `current_date` and kin; `min(x)`/`max(x)` of a bound; `date_trunc('unit', bound)`.
fn clock_or_data(f: &Function) -> bool {
    let [name] = f.name.0.as_slice() else {
        return false;
    };
    let Some(name) = name.as_ident().map(|i| i.value.to_ascii_lowercase()) else {
        return false;
    };
    let args: Vec<&Expr> = match &f.args {
        FunctionArguments::None => vec![],
        FunctionArguments::List(list) if list.clauses.is_empty() => {
            let mut out = Vec::new();
            for a in &list.args {
                match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => out.push(e),
                    _ => return false,
                }
            }
            out
        }
        _ => return false,
    };
    if f.over.is_some() || f.filter.is_some() {
        return false;
    }
    match (name.as_str(), args.as_slice()) {
        (
            "now"
            | "current_date"
            | "current_timestamp"
            | "localtimestamp"
            | "statement_timestamp"
            | "transaction_timestamp",
            [],
        ) => true,
        ("min" | "max", [x]) => time_bound(x),
        ("date_trunc", [unit, x]) => {
            matches!(unit, Expr::Value(v) if matches!(v.value, Value::SingleQuotedString(_)))
                && time_bound(x)
        }
        _ => false,
    }
}

/// `(SELECT <bound> FROM ...)`: one plain SELECT whose only item is a bound.
fn scalar_of_data(q: &Query) -> bool {
    let SetExpr::Select(select) = q.body.as_ref() else {
        return false;
    };
    match select.projection.as_slice() {
        [SelectItem::UnnamedExpr(e)] | [SelectItem::ExprWithAlias { expr: e, .. }] => time_bound(e),
        _ => false,
    }
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
        ] {
            assert!(args(ok), "{ok}");
        }
        for bad in [
            "1, 100001",
            "1, 9223372036854775807",
            "1, 10, 0",
            "1, n",
            "1, (SELECT max(id) FROM t)",
            "min(x), max(x), '1 second'",
            "min(x), max(x), '1 hour'",
            "min(x), max(x) + interval '1000 years', '1 day'",
            "'0001-01-01', '9999-12-31', '1 day'",
            "min(x), max(x), step_col",
            "min(x), max(x), '1 month 1 second'",
            "min(x), max(x), '0 days'",
        ] {
            assert!(!args(bad), "{bad}");
        }
    }
}

//! Times relative to now: `ordered_at >= now() - interval '30 days'`, `d > current_date - 7`,
//! `ordered_at >= date_trunc('month', now())`: the commonest analytics predicate.
//!
//! Such a time is the same for every row: it reads no column, calls only stable functions of
//! the clock, and (its offsets bounded here) never leaves the range of dates, so evaluating it
//! cannot raise on any row. Compared with a column of its own type, the comparison is the
//! type's leakproof operator and the predicate moves inside the fence as a constant's would
//! (PostgreSQL; `leakproof`). Compared across types (a `timestamp` column against `now()`,
//! a `timestamptz`), PostgreSQL's operator is not leakproof, so the predicate stays above the
//! fence; the fence gets a copy looser by two days, cast to the column's type, which keeps
//! every row the predicate keeps (the types differ by a time zone's offset at most) and lets
//! an index on the column serve the fence and the fence hand its keys on (`keys`).
//!
//! SQLite's comparisons never raise, and its date functions return NULL for bad input rather
//! than fail: `date('now', '-30 days')` and its kin with literal arguments are constants there.

use sqlparser::ast::{DateTimeField, Interval, ObjectNamePart, TimezoneInfo};

use super::*;

/// A date or timestamp type of PostgreSQL, in the order it converts them when it compares two:
/// the lower one to the higher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Time {
    Date,
    Timestamp,
    TimestampTz,
}

impl Time {
    /// The type of a column, by its `format_type` name.
    fn of_column(ty: &str) -> Option<Time> {
        match ty {
            "date" => Some(Time::Date),
            "timestamp without time zone" => Some(Time::Timestamp),
            "timestamp with time zone" => Some(Time::TimestampTz),
            _ => None,
        }
    }

    fn of(dt: &DataType) -> Option<Time> {
        Time::of_column(pg_type_name(dt)?)
    }

    fn data_type(self) -> DataType {
        match self {
            Time::Date => DataType::Date,
            Time::Timestamp => DataType::Timestamp(None, TimezoneInfo::None),
            Time::TimestampTz => DataType::Timestamp(None, TimezoneInfo::WithTimeZone),
        }
    }
}

/// The largest offset from now, in days, of a time accepted as relative (about 2,700 years:
/// far inside PostgreSQL's range of dates and timestamps either way).
const MAX_DAYS: u64 = 1_000_000;

/// How much looser the copy of a comparison across types is.
const SLACK: &str = "2 days";

impl<'c> Walker<'c> {
    /// `k`, a time relative to now of exactly the column type `ty` (PostgreSQL).
    pub(super) fn relative_time_for(&self, k: &Expr, ty: &str) -> bool {
        relative_time(k).is_some_and(|(t, _)| Time::of_column(ty) == Some(t))
    }

    /// For the conjunct `e` comparing a date or timestamp column of `target` with a time
    /// relative to now of another type: bounds on the column that every row `e` keeps meets,
    /// leakproof, to AND into the fence while `e` stays above it (see the module's doc); none
    /// when `e` is no such conjunct.
    pub(super) fn relative_bounds(
        &self,
        e: &Expr,
        target: &Rel<'_>,
        unqualified: bool,
    ) -> Vec<Expr> {
        if !self.dialect.comparisons_can_raise() {
            return Vec::new();
        }
        self.relative_bounds_of(e, target, unqualified)
            .unwrap_or_default()
    }

    fn relative_bounds_of<'e>(
        &self,
        e: &'e Expr,
        target: &Rel<'_>,
        unqualified: bool,
    ) -> Option<Vec<Expr>> {
        let time_column = |x: &'e Expr| -> Option<(Time, &'e Expr)> {
            let ty = self.typed_column(x, target, unqualified)??;
            Time::of_column(&ty).map(|t| (t, x))
        };
        match e {
            Expr::Nested(x) => self.relative_bounds_of(x, target, unqualified),
            Expr::BinaryOp { left, op, right } => {
                let (column, op, time) = match (time_column(left), time_column(right)) {
                    (Some((ty, col)), None) => ((ty, col), op.clone(), right),
                    (None, Some((ty, col))) => ((ty, col), flipped(op)?, left),
                    _ => return None,
                };
                let (ty, col) = column;
                let (lower, upper) = match op {
                    BinaryOperator::Gt | BinaryOperator::GtEq => (Some(time.as_ref()), None),
                    BinaryOperator::Lt | BinaryOperator::LtEq => (None, Some(time.as_ref())),
                    BinaryOperator::Eq => (Some(time.as_ref()), Some(time.as_ref())),
                    _ => return None,
                };
                self.bounds(col, ty, lower, upper)
            }
            Expr::Between {
                expr,
                negated: false,
                low,
                high,
            } => {
                let (ty, col) = time_column(expr)?;
                self.bounds(col, ty, Some(low), Some(high))
            }
            _ => None,
        }
    }

    /// `col >= lower'` and `col <= upper'`, each bound a constant of the column's type as it is
    /// or a relative time of another type loosened and cast; `None` unless one is relative.
    fn bounds(
        &self,
        col: &Expr,
        ty: Time,
        lower: Option<&Expr>,
        upper: Option<&Expr>,
    ) -> Option<Vec<Expr>> {
        let name = match ty {
            Time::Date => "date",
            Time::Timestamp => "timestamp without time zone",
            Time::TimestampTz => "timestamp with time zone",
        };
        let mut loosened = false;
        let mut bound = |k: &Expr, op: BinaryOperator, slack: BinaryOperator| -> Option<Expr> {
            let value = match relative_time(k) {
                Some((t, _)) if t != ty => {
                    loosened = true;
                    Expr::Cast {
                        kind: CastKind::Cast,
                        expr: Box::new(Expr::BinaryOp {
                            left: Box::new(match k {
                                Expr::Function(_) | Expr::Nested(_) => k.clone(),
                                _ => Expr::Nested(Box::new(k.clone())),
                            }),
                            op: slack,
                            right: Box::new(Expr::Interval(Interval {
                                value: Box::new(Expr::value(Value::SingleQuotedString(
                                    SLACK.into(),
                                ))),
                                leading_field: None,
                                leading_precision: None,
                                last_field: None,
                                fractional_seconds_precision: None,
                            })),
                        }),
                        data_type: ty.data_type(),
                        format: None,
                    }
                }
                Some(_) => k.clone(),
                None if self.constant_for(k, Some(name)) => k.clone(),
                None => return None,
            };
            Some(Expr::BinaryOp {
                left: Box::new(col.clone()),
                op,
                right: Box::new(value),
            })
        };
        let parts: Vec<Expr> = [
            lower.and_then(|k| bound(k, BinaryOperator::GtEq, BinaryOperator::Minus)),
            upper.and_then(|k| bound(k, BinaryOperator::LtEq, BinaryOperator::Plus)),
        ]
        .into_iter()
        .flatten()
        .collect();
        loosened.then_some(parts)
    }
}

/// `k`, a relative time of a type lower than the timestamp column's `ty` that it is compared
/// with, becomes the cast that PostgreSQL's comparison across the two types applies to it
/// (`current_date - 7` against a timestamp is its midnight): the comparison is then the
/// column type's own, and leakproof.
pub(super) fn raise_relative(k: &mut Expr, ty: &DataType) {
    let Some(column) = Time::of(ty) else {
        return;
    };
    if relative_time(k).is_some_and(|(t, _)| t < column) {
        let time = std::mem::replace(k, Expr::value(Value::Null));
        *k = Expr::Cast {
            kind: CastKind::Cast,
            expr: Box::new(time),
            data_type: column.data_type(),
            format: None,
        };
    }
}

/// `a op b` as `b op' a`.
fn flipped(op: &BinaryOperator) -> Option<BinaryOperator> {
    Some(match op {
        BinaryOperator::Gt => BinaryOperator::Lt,
        BinaryOperator::GtEq => BinaryOperator::LtEq,
        BinaryOperator::Lt => BinaryOperator::Gt,
        BinaryOperator::LtEq => BinaryOperator::GtEq,
        BinaryOperator::Eq => BinaryOperator::Eq,
        _ => return None,
    })
}

/// A time relative to now (PostgreSQL): its type, and a bound on its offset from now in days.
/// `now()` and its synonyms, `current_date`, `localtimestamp`; `date_trunc` of one to a known
/// unit; a cast of one to a date or timestamp type; one plus or minus an interval literal, or
/// (a date) an integer literal.
fn relative_time(e: &Expr) -> Option<(Time, u64)> {
    let (time, days) = match e {
        Expr::Nested(x) => relative_time(x)?,
        Expr::Function(f) => clock_function(f)?,
        Expr::Cast {
            kind: CastKind::Cast | CastKind::DoubleColon,
            expr,
            data_type,
            format: None,
        } => (Time::of(data_type)?, relative_time(expr)?.1),
        Expr::BinaryOp {
            left,
            op: op @ (BinaryOperator::Plus | BinaryOperator::Minus),
            right,
        } => {
            let (base, offset) = match (relative_time(left), op) {
                (Some(base), _) => (base, right.as_ref()),
                (None, BinaryOperator::Plus) => (relative_time(right)?, left.as_ref()),
                (None, _) => return None,
            };
            let (t, days) = base;
            if let Some(more) = interval_days(offset) {
                // A date plus an interval is a timestamp.
                let t = if t == Time::Date { Time::Timestamp } else { t };
                (t, days.checked_add(more)?)
            } else if t == Time::Date {
                (t, days.checked_add(integer_days(offset)?)?)
            } else {
                return None;
            }
        }
        _ => return None,
    };
    (days <= MAX_DAYS).then_some((time, days))
}

/// `now()`, `current_timestamp`, `current_date`, ..., `date_trunc('month', <one of those>)`.
fn clock_function(f: &Function) -> Option<(Time, u64)> {
    let [ObjectNamePart::Identifier(name)] = f.name.0.as_slice() else {
        return None;
    };
    if f.over.is_some() || f.filter.is_some() || !f.within_group.is_empty() {
        return None;
    }
    let name = name.value.to_ascii_lowercase();
    let args: &[FunctionArg] = match &f.args {
        FunctionArguments::None => &[],
        FunctionArguments::List(list)
            if list.duplicate_treatment.is_none() && list.clauses.is_empty() =>
        {
            &list.args
        }
        _ => return None,
    };
    let bare = matches!(f.args, FunctionArguments::None);
    match (name.as_str(), args) {
        ("now" | "transaction_timestamp" | "statement_timestamp", []) if !bare => {
            Some((Time::TimestampTz, 0))
        }
        ("current_timestamp", []) if bare => Some((Time::TimestampTz, 0)),
        ("current_date", []) if bare => Some((Time::Date, 0)),
        ("localtimestamp", []) if bare => Some((Time::Timestamp, 0)),
        (
            "date_trunc",
            [
                FunctionArg::Unnamed(FunctionArgExpr::Expr(unit)),
                FunctionArg::Unnamed(FunctionArgExpr::Expr(of)),
            ],
        ) => {
            let unit = string_literal(unit)?.to_ascii_lowercase();
            // PostgreSQL's own spellings, each checked against a server: not every plural is
            // one (`quarters` and `centurys` raise).
            let known = [
                "microsecond",
                "microseconds",
                "millisecond",
                "milliseconds",
                "second",
                "seconds",
                "minute",
                "minutes",
                "hour",
                "hours",
                "day",
                "days",
                "week",
                "weeks",
                "month",
                "months",
                "quarter",
                "year",
                "years",
                "decade",
                "decades",
                "century",
                "centuries",
                "millennium",
                "millenniums",
                "millennia",
            ];
            if !known.contains(&unit.as_str()) {
                return None;
            }
            // Truncating moves back by up to a millennium.
            let (t, days) = relative_time(of)?;
            let t = if t == Time::Timestamp {
                Time::Timestamp
            } else {
                Time::TimestampTz
            };
            Some((t, days.checked_add(366_000)?))
        }
        _ => None,
    }
}

fn string_literal(e: &Expr) -> Option<&str> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// An integer literal (a number of days added to a date).
fn integer_days(e: &Expr) -> Option<u64> {
    match e {
        Expr::Nested(x) => integer_days(x),
        Expr::Value(v) => match &v.value {
            Value::Number(n, false) if is_integer_literal(n) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// An interval literal (`INTERVAL '30 days'`, `INTERVAL '7' DAY`, `'1 month'::interval`): a
/// bound on its length in days.
fn interval_days(e: &Expr) -> Option<u64> {
    match e {
        Expr::Nested(x) => interval_days(x),
        Expr::Interval(Interval {
            value,
            leading_field,
            leading_precision: None,
            last_field: None,
            fractional_seconds_precision: None,
        }) => {
            let text = string_literal(value)?;
            match leading_field {
                None => interval_text_days(text),
                Some(field) => {
                    let n: u64 = text.trim().parse().ok()?;
                    n.checked_mul(field_days(field)?)
                }
            }
        }
        Expr::Cast {
            kind: CastKind::Cast | CastKind::DoubleColon,
            expr,
            data_type:
                DataType::Interval {
                    fields: None,
                    precision: None,
                },
            format: None,
        } => interval_text_days(string_literal(expr)?),
        _ => None,
    }
}

/// `'30 days'`, `'1 year 2 months'`, `'-7 day'`: whole numbers of known units.
fn interval_text_days(text: &str) -> Option<u64> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return None;
    }
    let mut total: u64 = 0;
    for pair in words.chunks(2) {
        let [n, unit] = pair else { return None };
        let n = n.strip_prefix(['-', '+']).unwrap_or(n);
        if n.is_empty() || n.len() > 7 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u64 = n.parse().ok()?;
        let unit = unit.to_ascii_lowercase();
        let per = match unit.strip_suffix('s').unwrap_or(&unit) {
            "year" | "yr" | "y" => 366,
            "month" | "mon" => 31,
            "week" | "w" => 7,
            "day" | "d" => 1,
            // Fractions of a day count as a whole day each: a bound, not a length.
            "hour" | "hr" | "h" | "minute" | "min" | "m" | "second" | "sec" => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(per)?)?;
    }
    Some(total)
}

fn field_days(field: &DateTimeField) -> Option<u64> {
    Some(match field {
        DateTimeField::Year | DateTimeField::Years => 366,
        DateTimeField::Month | DateTimeField::Months => 31,
        DateTimeField::Week(None) | DateTimeField::Weeks => 7,
        DateTimeField::Day
        | DateTimeField::Days
        | DateTimeField::Hour
        | DateTimeField::Hours
        | DateTimeField::Minute
        | DateTimeField::Minutes
        | DateTimeField::Second
        | DateTimeField::Seconds => 1,
        _ => return None,
    })
}

/// SQLite: a date function of literals (`date('now', '-30 days')`): it returns NULL for input
/// it cannot read, and never raises.
pub(super) fn sqlite_clock(k: &Expr) -> bool {
    let Expr::Function(f) = k else {
        return false;
    };
    let [ObjectNamePart::Identifier(name)] = f.name.0.as_slice() else {
        return false;
    };
    let date_function = matches!(
        name.value.to_ascii_lowercase().as_str(),
        "date" | "time" | "datetime" | "julianday" | "unixepoch" | "strftime"
    );
    let FunctionArguments::List(list) = &f.args else {
        return false;
    };
    date_function
        && f.over.is_none()
        && f.filter.is_none()
        && list.duplicate_treatment.is_none()
        && list.clauses.is_empty()
        && !list.args.is_empty()
        && list.args.len() <= 8
        && list.args.iter().all(|a| {
            // Short ones: the same work on every row, and little of it.
            matches!(a, FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))
                if matches!(&v.value, Value::SingleQuotedString(s) | Value::Number(s, _)
                    if s.len() <= 64))
        })
}

//! A date compared with a timestamp column, written as the timestamp it is compared as.
//!
//! PostgreSQL compares `ordered_at >= DATE '2025-01-01'` (timestamp against date) with
//! `timestamp_ge_date`, which is not marked leakproof, so the predicate stays above the fence:
//! no index on `ordered_at` serves it, and the fence is not narrowed (see `reduce_by_join_keys`).
//! The date is compared as the timestamp of its midnight (in the session's time zone for
//! `timestamptz`), which a timestamp literal of the same text denotes exactly; written so,
//! the comparison is the same-type one, which is leakproof, and moves in. Only plain
//! `YYYY-MM-DD` dates are rewritten (`infinity` or a year past 9999 stay as they are). A time
//! relative to now of a lower type (`current_date - 7`) gets the cast the comparison would
//! apply to it (`relative`).

use sqlparser::ast::{TimezoneInfo, TypedString, ValueWithSpan};

use super::*;

impl<'c> Walker<'c> {
    /// In the conjunct `e`: `col op DATE 'YYYY-MM-DD'` (also `'...'::date` and
    /// `CAST('...' AS DATE)`) and `col BETWEEN` two such dates, where `col` is a timestamp
    /// column of `target`, the dates become timestamp literals of the same text (PostgreSQL).
    pub(super) fn dates_as_timestamps(&self, e: &mut Expr, target: &Rel<'_>, unqualified: bool) {
        if !self.dialect.comparisons_can_raise() {
            return;
        }
        let timestamp = |x: &Expr| -> Option<DataType> {
            let ty = self.typed_column(x, target, unqualified)??;
            match ty.as_str() {
                "timestamp without time zone" => {
                    Some(DataType::Timestamp(None, TimezoneInfo::None))
                }
                "timestamp with time zone" => {
                    Some(DataType::Timestamp(None, TimezoneInfo::WithTimeZone))
                }
                _ => None,
            }
        };
        match e {
            Expr::Nested(x) => self.dates_as_timestamps(x, target, unqualified),
            Expr::BinaryOp { left, op, right } if super::leakproof::is_comparison(op) => {
                if let Some(ty) = timestamp(left) {
                    as_timestamp(right, ty);
                } else if let Some(ty) = timestamp(right) {
                    as_timestamp(left, ty);
                }
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                if let Some(ty) = timestamp(expr) {
                    as_timestamp(low, ty.clone());
                    as_timestamp(high, ty);
                }
            }
            _ => {}
        }
    }
}

/// `k`, a date literal of a plain `YYYY-MM-DD` date, becomes `TIMESTAMP '...'` of type `ty`.
fn as_timestamp(k: &mut Expr, ty: DataType) {
    super::relative::raise_relative(k, &ty);
    let text = match k {
        Expr::TypedString(TypedString {
            data_type: DataType::Date,
            value,
            uses_odbc_syntax: false,
        }) => match &value.value {
            Value::SingleQuotedString(s) => s.clone(),
            _ => return,
        },
        Expr::Cast {
            kind: CastKind::Cast | CastKind::DoubleColon,
            expr,
            data_type: DataType::Date,
            format: None,
        } => match expr.as_ref() {
            Expr::Value(v) => match &v.value {
                Value::SingleQuotedString(s) => s.clone(),
                _ => return,
            },
            _ => return,
        },
        _ => return,
    };
    if !plain_date(&text) {
        return;
    }
    *k = Expr::TypedString(TypedString {
        data_type: ty,
        value: ValueWithSpan::from(Value::SingleQuotedString(text)),
        uses_odbc_syntax: false,
    });
}

/// `YYYY-MM-DD` with a year from 0001, a month 01-12 and a day 01-31 (a day the month lacks is
/// refused by PostgreSQL either way).
fn plain_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .and_then(|_| s.get(r))
            .and_then(|d| d.parse::<u32>().ok())
    };
    b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && digits(0..4).is_some_and(|y| y >= 1)
        && digits(5..7).is_some_and(|m| (1..=12).contains(&m))
        && digits(8..10).is_some_and(|d| (1..=31).contains(&d))
}

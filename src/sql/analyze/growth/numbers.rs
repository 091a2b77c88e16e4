//! Numbers. A PostgreSQL `numeric` holds up to 131,072 digits before the point and 16,383
//! after, and prints every one of them, so a few bytes of the statement make a large value:
//! `9e131071`, `'[1e131071]'::jsonb`, `10::numeric ^ 131071`, `('9e' || '131071')::numeric`
//! each print as about 131,072 characters (a red-team finding: three chains of 300 `t || t`
//! over such a value, 2.8 KB of SQL, came to about 20 GB in one row). SQLite's numbers are
//! 8 bytes and print in a few characters.
//!
//! A number is never larger than [`NUMERIC_TEXT`], so arithmetic caps its literal bytes there
//! and does not carry a grown value; products and powers are the exception, as they compound
//! (a recursive `n * n` reaches the limit in 17 rounds).

use sqlparser::ast::{DataType, ExactNumberInfo};

use super::{SCALAR, Size};

/// The most characters one `numeric` prints as (digits, point, sign).
pub(super) const NUMERIC_TEXT: u64 = 131_072 + 16_383 + 3;

/// The characters numbers written in `text` may print as beyond `text` itself: every exponent
/// (`9e131071`, `1E-900`, also inside a JSON text) written out in digits (PostgreSQL).
pub(super) fn exponent_digits(text: &str) -> u64 {
    let b = text.as_bytes();
    let mut extra: u64 = 0;
    let mut i = 1;
    while i < b.len() {
        if matches!(b[i], b'e' | b'E') && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.') {
            let mut j = i + 1;
            if matches!(b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            let mut exponent: u64 = 0;
            let start = j;
            while let Some(d) = b.get(j).filter(|d| d.is_ascii_digit()) {
                exponent = exponent
                    .saturating_mul(10)
                    .saturating_add(u64::from(d - b'0'));
                j += 1;
            }
            if j > start {
                extra = extra.saturating_add(exponent.min(NUMERIC_TEXT));
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    extra
}

/// At most one number, of at least a scalar's size: no grown value, no assembled text.
pub(super) fn number(s: Size) -> Size {
    Size {
        fixed: s.fixed.clamp(SCALAR, NUMERIC_TEXT),
        grown: 0,
        assembled: false,
        ..s
    }
}

/// `a + b`, `a % b`, and the like: no larger than the larger side, and a digit.
pub(super) fn sum(l: Size, r: Size) -> Size {
    number(l.max(r).plus(Size::fixed(1)))
}

/// `a * b`: as many digits as both sides together; compounding, so a grown side stays grown.
pub(super) fn product(l: Size, r: Size) -> Size {
    let p = l.plus(r);
    Size {
        grown: p.grown,
        ..number(p)
    }
}

/// `a / b`: the quotient's digits, and a scale of up to the divisor's again (`1 / 1e-900`).
pub(super) fn quotient(l: Size, r: Size) -> Size {
    number(l.plus(r.times(2)).plus(Size::fixed(SCALAR)))
}

/// `base ^ k`, `power(base, k)`: `k` times the base's digits for a literal `k` (at least once),
/// any number otherwise; compounding, as a product.
pub(super) fn power(base: Size, k: Option<&str>) -> Size {
    let times = k
        .and_then(|k| k.parse::<f64>().ok())
        .filter(|k| k.is_finite() && *k >= 0.0 && *k <= NUMERIC_TEXT as f64)
        .map(|k| k.ceil().max(1.0) as u64);
    match times {
        Some(n) => {
            let p = base.times(n);
            Size {
                grown: p.grown,
                ..number(p)
            }
        }
        None => Size {
            fixed: NUMERIC_TEXT,
            ..number(base)
        },
    }
}

/// `exp(x)`: about `x / ln 10` digits for a literal `x`, any number otherwise.
pub(super) fn exp(x: Size, literal: Option<&str>) -> Size {
    let digits = literal
        .and_then(|l| l.parse::<f64>().ok())
        .filter(|x| x.is_finite() && *x >= 0.0)
        .map_or(NUMERIC_TEXT, |x| {
            (x / std::f64::consts::LN_10) as u64 + SCALAR
        });
    Size {
        fixed: digits.min(NUMERIC_TEXT),
        ..number(x)
    }
}

/// `round(x, n)`, `trunc(x, n)`: the digits of `x` and up to `n` (2,000 at most) after the
/// point.
pub(super) fn rounded(x: Size, places: Option<&str>) -> Size {
    let n = places.and_then(|p| p.parse::<u64>().ok()).unwrap_or(2000);
    number(x.plus(Size::fixed(n.min(2000))))
}

/// A cast's value on PostgreSQL where numbers decide it: `numeric(p, s)` prints at most `p`
/// digits; a text read as a number or as JSON may print as [`parsed`] and [`parsed_json`] say.
/// `None`: the cast's usual size.
pub(super) fn cast(inner: Size, to: &DataType) -> Option<Size> {
    match to {
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => match info {
            ExactNumberInfo::Precision(p) | ExactNumberInfo::PrecisionAndScale(p, _) => {
                Some(Size::fixed(p.saturating_add(3).max(SCALAR)))
            }
            ExactNumberInfo::None => Some(parsed(inner)),
        },
        DataType::JSON | DataType::JSONB if inner.assembled => {
            Some(parsed_json(inner).times(2).plus(Size::fixed(SCALAR)))
        }
        _ => None,
    }
}

/// A text read as a `numeric` (`CAST(t AS numeric)`): at most its digits for a literal or a
/// stored value; any number when the statement assembled it.
pub(super) fn parsed(text: Size) -> Size {
    if text.assembled {
        Size {
            fixed: NUMERIC_TEXT,
            ..number(text)
        }
    } else {
        text
    }
}

/// A text read as JSON: each of its numbers may be written out as [`parsed`] says.
pub(super) fn parsed_json(text: Size) -> Size {
    if text.assembled {
        Size {
            fixed: text.fixed.saturating_mul(NUMERIC_TEXT / 3),
            assembled: false,
            ..text
        }
        .value()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_are_written_out() {
        assert_eq!(exponent_digits("9e131071"), 131_071);
        assert_eq!(exponent_digits("[1E-900, 2.e+5]"), 900 + 5);
        assert_eq!(exponent_digits("e5 be10 1e"), 0);
        assert_eq!(exponent_digits("9e99999999999999999999999"), NUMERIC_TEXT);
        assert_eq!(power(Size::fixed(2), Some("131071")).fixed, NUMERIC_TEXT);
        assert_eq!(power(Size::DATA, Some("2")).data, 2);
        assert_eq!(sum(Size::GROWN, Size::fixed(1)).grown, 0);
        assert_eq!(product(Size::GROWN, Size::fixed(1)).grown, 1);
    }
}

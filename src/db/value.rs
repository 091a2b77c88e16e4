//! Database values -> JSON, and JSON parameters -> bound values.

use serde_json::Value as Json;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Postgres, Row, Sqlite, TypeInfo, ValueRef};

/// Binds JSON scalars as typed parameters.
pub(crate) struct Binder;

impl Binder {
    pub(crate) fn bind_pg<'q>(
        q: Query<'q, Postgres, PgArguments>,
        v: &Json,
    ) -> Query<'q, Postgres, PgArguments> {
        match v {
            Json::Null => q.bind(None::<String>),
            Json::Bool(b) => q.bind(*b),
            // A whole number that fits is an `integer`, as the same number written in the
            // SQL would be: `round(x, $1)`, `left(s, $1)`, `ntile($1)`, `make_date($1, ...)`
            // and `date - $1` take an integer, and none of them a bigint.
            Json::Number(n) => match n.as_i64() {
                Some(i) => match i32::try_from(i) {
                    Ok(small) => q.bind(small),
                    Err(_) => q.bind(i),
                },
                None => q.bind(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => q.bind(s.clone()),
            other => q.bind(other.clone()),
        }
    }

    pub(crate) fn bind_sqlite<'q>(
        q: Query<'q, Sqlite, SqliteArguments>,
        v: &Json,
    ) -> Query<'q, Sqlite, SqliteArguments> {
        match v {
            Json::Null => q.bind(None::<String>),
            Json::Bool(b) => q.bind(*b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => q.bind(i),
                None => q.bind(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => q.bind(s.clone()),
            other => q.bind(other.to_string()),
        }
    }
}

/// Approximate JSON size of a value in bytes, for the result byte budget.
pub(crate) fn approx_size(v: &Json) -> u64 {
    // Counted, not printed: a row far over the budget is measured without a copy of it
    // (arrays and objects walked with a stack of their own, not by recursion).
    let mut size = 0u64;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        size += match v {
            Json::Null => 4,
            Json::Bool(_) => 5,
            Json::Number(_) => 12,
            Json::String(s) => s.len() as u64 + 3,
            Json::Array(items) => {
                stack.extend(items);
                2 + items.len() as u64
            }
            Json::Object(fields) => {
                stack.extend(fields.values());
                2 + fields.keys().map(|k| k.len() as u64 + 4).sum::<u64>()
            }
        };
    }
    size
}

/// A float as a JSON number; PostgreSQL's `NaN` and infinities, which JSON has no number for,
/// as the strings PostgreSQL prints.
fn number(f: f64) -> Json {
    serde_json::Number::from_f64(f)
        .map(Json::Number)
        .unwrap_or_else(|| {
            Json::String(
                match (f.is_nan(), f > 0.0) {
                    (true, _) => "NaN",
                    (false, true) => "Infinity",
                    (false, false) => "-Infinity",
                }
                .into(),
            )
        })
}

pub(crate) use super::numeric::numeric_text;

/// Fractional seconds as PostgreSQL prints them: up to six digits, trailing zeros trimmed.
fn fraction(micros: u32) -> String {
    let mut out = String::new();
    push_fraction(&mut out, micros);
    out
}

/// `.` and the microseconds without trailing zeros, as PostgreSQL prints them; nothing for 0.
fn push_fraction(out: &mut String, micros: u32) {
    let mut digits = micros % 1_000_000;
    if digits == 0 {
        return;
    }
    let mut width = 6;
    while digits.is_multiple_of(10) {
        digits /= 10;
        width -= 1;
    }
    out.push('.');
    push_digits(out, digits, width);
}

/// `value` in exactly `width` decimal digits (zero-padded; `value` must fit).
pub(super) fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10u32.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// `HH:MM:SS` then the fraction. Written digit by digit: `format("%H:%M:%S")` parses its
/// pattern on every value, which was a sixth of the server's CPU for a 1,000-row result with a
/// timestamp column.
pub(super) fn push_time(out: &mut String, t: chrono::NaiveTime) {
    use chrono::Timelike;
    // A leap second (nanoseconds past 10^9) prints as second 60, as chrono's `%S` does.
    let second = t.second() + t.nanosecond() / 1_000_000_000;
    push_digits(out, t.hour(), 2);
    out.push(':');
    push_digits(out, t.minute(), 2);
    out.push(':');
    push_digits(out, second, 2);
    push_fraction(out, (t.nanosecond() % 1_000_000_000) / 1000);
}

/// `YYYY-MM-DD` as PostgreSQL prints it: a year before 1 as its year BC (year 0 is 1 BC).
/// Returns whether the date is BC (PostgreSQL writes ` BC` after the whole value).
pub(super) fn push_date(out: &mut String, d: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let bc = d.year() < 1;
    let year = if bc { 1 - d.year() } else { d.year() }.unsigned_abs();
    if year <= 9999 {
        push_digits(out, year, 4);
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{year}");
    }
    out.push('-');
    push_digits(out, d.month(), 2);
    out.push('-');
    push_digits(out, d.day(), 2);
    bc
}

/// A value's bytes as the server sent them (binary format).
fn raw(row: &PgRow, i: usize) -> Option<&[u8]> {
    row.try_get_raw(i).ok().and_then(|r| r.as_bytes().ok())
}

/// A `real` by its shortest decimal form (`0.1`, not the double nearest its binary value,
/// `0.10000000149011612`), as PostgreSQL prints it.
fn float4(f: f32) -> Json {
    number(f.to_string().parse::<f64>().unwrap_or(f64::from(f)))
}

fn get<'r, T>(row: &'r PgRow, i: usize) -> Option<Json>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Into<Json>,
{
    row.try_get::<Option<T>, _>(i)
        .ok()
        .map(|v| v.map(Into::into).unwrap_or(Json::Null))
}

/// One PostgreSQL value as JSON. Unknown types fall back to their text form when the wire
/// format is text-compatible, otherwise to a placeholder naming the type.
pub(crate) fn pg_value(row: &PgRow, i: usize, type_name: &str) -> Json {
    if row.try_get_raw(i).map(|r| r.is_null()).unwrap_or(true) {
        return Json::Null;
    }
    let v = match type_name {
        "bool" => get::<bool>(row, i),
        "int2" => get::<i16>(row, i),
        "int4" => get::<i32>(row, i),
        "int8" => get::<i64>(row, i),
        "oid" => row
            .try_get::<sqlx::postgres::types::Oid, _>(i)
            .ok()
            .map(|o| Json::from(o.0)),
        "float4" => row.try_get::<f32, _>(i).ok().map(float4),
        "float8" => row.try_get::<f64, _>(i).ok().map(number),
        "numeric" => row
            .try_get_raw(i)
            .ok()
            .and_then(|raw| raw.as_bytes().ok().and_then(numeric_text))
            .map(Json::String),
        "text" | "varchar" | "bpchar" | "name" | "char" | "citext" | "unknown" => {
            get::<String>(row, i)
        }
        // (a document nested deeper than the JSON reader goes comes back as its text)
        "json" | "jsonb" => row.try_get::<Json, _>(i).ok().or_else(|| {
            let b = raw(row, i)?;
            let text = match (type_name, b.split_first()) {
                ("jsonb", Some((1, text))) => text,
                _ => b,
            };
            std::str::from_utf8(text).ok().map(Json::from)
        }),
        "uuid" => row
            .try_get::<uuid::Uuid, _>(i)
            .ok()
            .map(|u| Json::String(u.to_string())),
        "date" => raw(row, i).and_then(super::binary::date).map(Json::String),
        "time" => raw(row, i).and_then(time).map(Json::String),
        "timestamp" => raw(row, i)
            .and_then(|b| super::binary::timestamp(b, false))
            .map(Json::String),
        // Read in UTC, printed as psql prints a timestamptz in a UTC session.
        "timestamptz" => raw(row, i)
            .and_then(|b| super::binary::timestamp(b, true))
            .map(Json::String),
        "interval" => row
            .try_get::<sqlx::postgres::types::PgInterval, _>(i)
            .ok()
            .map(interval),
        "bytea" => row
            .try_get::<Vec<u8>, _>(i)
            .ok()
            .map(|b| Json::String(hex(&b))),
        "text[]" | "varchar[]" | "name[]" | "bpchar[]" | "char[]" => raw(row, i)
            .and_then(|b| super::binary::array(b, |e| std::str::from_utf8(e).ok().map(Json::from))),
        "int2[]" | "int4[]" | "int8[]" => raw(row, i)
            .and_then(|b| super::binary::array(b, |e| super::binary::int(e).map(Json::from))),
        "regtype" => raw(row, i)
            .and_then(super::composite::regtype)
            .map(Json::String),
        "macaddr" | "macaddr8" => raw(row, i)
            .and_then(super::composite::macaddr)
            .map(Json::String),
        "record" => raw(row, i)
            .and_then(super::composite::record)
            .map(Json::String),
        "record[]" => raw(row, i).and_then(super::composite::records),
        "bit" | "varbit" => raw(row, i).and_then(super::binary::bits).map(Json::String),
        "bit[]" | "varbit[]" => raw(row, i)
            .and_then(|b| super::binary::array(b, |e| super::binary::bits(e).map(Json::String))),
        "tsquery" => raw(row, i)
            .and_then(super::binary::tsquery)
            .map(Json::String),
        "tsvector" => raw(row, i)
            .and_then(super::binary::tsvector)
            .map(Json::String),
        // (NaN and the infinities spelled as for the scalar, not null)
        "float8[]" => elements(row, i, |e| {
            Some(number(f64::from_be_bytes(e.try_into().ok()?)))
        }),
        "bool[]" => raw(row, i)
            .and_then(|b| super::binary::array(b, |e| Some(Json::Bool(*e.first()? != 0)))),
        // As the scalar: scale kept (`0.00`), NaN spelled.
        "numeric[]" => {
            raw(row, i).and_then(|b| super::binary::array(b, |e| numeric_text(e).map(Json::String)))
        }
        "float4[]" => elements(row, i, |e| {
            Some(float4(f32::from_be_bytes(e.try_into().ok()?)))
        }),
        "date[]" => raw(row, i)
            .and_then(|b| super::binary::array(b, |e| super::binary::date(e).map(Json::String))),
        "time[]" => elements(row, i, |e| time(e).map(Json::String)),
        "timestamp[]" => raw(row, i).and_then(|b| {
            super::binary::array(b, |e| super::binary::timestamp(e, false).map(Json::String))
        }),
        "timestamptz[]" => raw(row, i).and_then(|b| {
            super::binary::array(b, |e| super::binary::timestamp(e, true).map(Json::String))
        }),
        // (microseconds, days, months)
        "interval[]" => elements(row, i, |e| {
            let (micros, rest) = e.split_first_chunk::<8>()?;
            let (days, months) = rest.split_first_chunk::<4>()?;
            Some(interval(sqlx::postgres::types::PgInterval {
                months: i32::from_be_bytes(months.try_into().ok()?),
                days: i32::from_be_bytes(*days),
                microseconds: i64::from_be_bytes(*micros),
            }))
        }),
        "uuid[]" => elements(row, i, |e| {
            Some(Json::String(uuid::Uuid::from_slice(e).ok()?.to_string()))
        }),
        // jsonb: a version byte, then the text
        "jsonb[]" => elements(row, i, |e| match e.split_first()? {
            (1, text) => serde_json::from_slice(text).ok(),
            _ => None,
        }),
        "bytea[]" => elements(row, i, |e| Some(Json::String(hex(e)))),
        // Money's text form depends on the server's locale; the amount as a numeric string
        // (two decimals, as lc_monetary's usual currencies) is what a client can use.
        "money" => row
            .try_get::<sqlx::postgres::types::PgMoney, _>(i)
            .ok()
            .map(|m| Json::String(m.to_decimal(2).to_string())),
        "timetz" => row
            .try_get::<sqlx::postgres::types::PgTimeTz<chrono::NaiveTime, chrono::FixedOffset>, _>(
                i,
            )
            .ok()
            .map(|t| {
                let mut out = String::with_capacity(21);
                push_time(&mut out, t.time);
                push_offset(&mut out, t.offset.local_minus_utc());
                Json::String(out)
            }),
        "int4range" | "int8range" | "numrange" | "daterange" | "tsrange" | "tstzrange" => {
            raw(row, i).and_then(|b| {
                super::binary::range(b, |e| match type_name {
                    "int4range" => Some(i32::from_be_bytes(e.try_into().ok()?).to_string()),
                    "int8range" => Some(i64::from_be_bytes(e.try_into().ok()?).to_string()),
                    "numrange" => numeric_text(e),
                    "daterange" => super::binary::date(e),
                    _ => super::binary::timestamp(e, type_name == "tstzrange"),
                })
                .map(Json::String)
            })
        }
        "inet" | "cidr" => row
            .try_get_raw(i)
            .ok()
            .and_then(|raw| {
                raw.as_bytes()
                    .ok()
                    .and_then(|b| inet(b, type_name == "cidr"))
            })
            .map(Json::String),
        _ => None,
    };
    v.or_else(|| composite(row, i))
        .or_else(|| {
            row.try_get_unchecked::<String, _>(i)
                .ok()
                .filter(|s| !s.contains('\0'))
                .map(Json::String)
        })
        .unwrap_or_else(|| Json::String(format!("<{type_name} value>")))
}

/// A table's row type (a whole-row reference) or an array of one, by the type's kind.
fn composite(row: &PgRow, i: usize) -> Option<Json> {
    use sqlx::postgres::PgTypeKind;
    use sqlx::{TypeInfo, ValueRef};
    let value = row.try_get_raw(i).ok()?;
    let kind = value.type_info().kind().clone();
    let bytes = value.as_bytes().ok()?;
    match kind {
        PgTypeKind::Composite(_) => super::composite::record(bytes).map(Json::String),
        PgTypeKind::Array(element)
            if matches!(element.kind(), PgTypeKind::Composite(_)) || element.name() == "RECORD" =>
        {
            super::composite::records(bytes)
        }
        _ => None,
    }
}

/// A one-dimensional array, each element through `f` (a multi-dimensional one does not decode
/// here and falls back like any unknown value).
/// A `time` (microseconds since midnight) as psql prints it, `24:00:00` included.
fn time(bytes: &[u8]) -> Option<String> {
    let micros = i64::from_be_bytes(bytes.try_into().ok()?);
    if micros == 86_400_000_000 {
        return Some("24:00:00".into());
    }
    let t = chrono::NaiveTime::from_num_seconds_from_midnight_opt(
        u32::try_from(micros / 1_000_000).ok()?,
        u32::try_from(micros % 1_000_000 * 1_000).ok()?,
    )?;
    let mut out = String::with_capacity(15);
    push_time(&mut out, t);
    Some(out)
}

/// An array from its binary form, of any number of dimensions (nested JSON arrays), each
/// element by `element`.
fn elements(row: &PgRow, i: usize, element: impl Fn(&[u8]) -> Option<Json>) -> Option<Json> {
    raw(row, i).and_then(|b| super::binary::array(b, element))
}

/// A UTC offset as PostgreSQL prints it: `+HH`, or `+HH:MM` (`+HH:MM:SS`) when not whole.
fn push_offset(out: &mut String, seconds: i32) {
    out.push(if seconds < 0 { '-' } else { '+' });
    let s = seconds.unsigned_abs();
    push_digits(out, s / 3600, 2);
    if !s.is_multiple_of(3600) {
        out.push(':');
        push_digits(out, s % 3600 / 60, 2);
        if !s.is_multiple_of(60) {
            out.push(':');
            push_digits(out, s % 60, 2);
        }
    }
}

/// An `inet` or `cidr` value from PostgreSQL's binary form (family, bits, is_cidr, length,
/// address), printed as PostgreSQL does: the prefix length only when it is not the whole
/// address (always for cidr).
fn inet(bytes: &[u8], cidr: bool) -> Option<String> {
    let [family, bits, _, len, address @ ..] = bytes else {
        return None;
    };
    let address: std::net::IpAddr = match (*family, *len, address.len()) {
        (2, 4, 4) => std::net::Ipv4Addr::from(<[u8; 4]>::try_from(address).ok()?).into(),
        (3, 16, 16) => std::net::Ipv6Addr::from(<[u8; 16]>::try_from(address).ok()?).into(),
        _ => return None,
    };
    let full = if address.is_ipv4() { 32 } else { 128 };
    Some(if cidr || *bits != full {
        format!("{address}/{bits}")
    } else {
        address.to_string()
    })
}

/// An interval as PostgreSQL prints it with its default `IntervalStyle` (`postgres`):
/// `2 years 1 mon 1 day 12:30:00`, `-1 years +2 days`, `00:00:00` (`EncodeInterval`).
fn interval(iv: sqlx::postgres::types::PgInterval) -> Json {
    let mut out = String::new();
    let mut is_zero = true;
    let mut is_before = false;
    for (value, unit) in [
        (i64::from(iv.months / 12), "year"),
        (i64::from(iv.months % 12), "mon"),
        (i64::from(iv.days), "day"),
    ] {
        if value == 0 {
            continue;
        }
        out.push_str(&format!(
            "{}{}{value} {unit}{}",
            if is_zero { "" } else { " " },
            if is_before && value > 0 { "+" } else { "" },
            if value != 1 { "s" } else { "" }
        ));
        is_before = value < 0;
        is_zero = false;
    }
    let us = iv.microseconds;
    if is_zero || us != 0 {
        let total = us.unsigned_abs();
        let (h, rem) = (total / 3_600_000_000, total % 3_600_000_000);
        let (m, rem) = (rem / 60_000_000, rem % 60_000_000);
        let (s, frac) = (rem / 1_000_000, rem % 1_000_000);
        out.push_str(&format!(
            "{}{}{h:02}:{m:02}:{s:02}{}",
            if is_zero { "" } else { " " },
            if us < 0 {
                "-"
            } else if is_before {
                "+"
            } else {
                ""
            },
            fraction(u32::try_from(frac).unwrap_or(0))
        ));
    }
    Json::String(out)
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("\\x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// One SQLite value as JSON, by its storage class.
pub(crate) fn sqlite_value(row: &SqliteRow, i: usize) -> Json {
    let class = match row.try_get_raw(i) {
        Ok(raw) if raw.is_null() => return Json::Null,
        Ok(raw) => raw.type_info().name().to_ascii_uppercase(),
        Err(_) => return Json::Null,
    };
    let v = match class.as_str() {
        "INTEGER" => row.try_get_unchecked::<i64, _>(i).ok().map(Json::from),
        "REAL" => row.try_get_unchecked::<f64, _>(i).ok().map(number),
        "BLOB" => row
            .try_get_unchecked::<&[u8], _>(i)
            .ok()
            .map(|b| Json::String(hex(b))),
        // SQLite keeps whatever bytes a text was given (`CAST(X'FF' AS TEXT)`, `char(55296)`):
        // text that is not UTF-8 comes with U+FFFD in place of its bad bytes, not as NULL.
        _ => row
            .try_get_unchecked::<&[u8], _>(i)
            .ok()
            .map(|b| Json::String(String::from_utf8_lossy(b).into_owned())),
    };
    v.unwrap_or(Json::Null)
}

/// The bytes a SQLite value holds (a number counted as 8), read without copying it.
pub(crate) fn sqlite_raw_len(row: &SqliteRow, i: usize) -> usize {
    match row.try_get_raw(i) {
        Ok(raw) if raw.is_null() => 0,
        Ok(raw) if matches!(raw.type_info().name(), "TEXT" | "BLOB" | "text" | "blob") => {
            row.try_get_unchecked::<&[u8], _>(i).map_or(0, <[u8]>::len)
        }
        _ => 8,
    }
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;

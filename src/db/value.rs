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
            Json::Number(n) => match n.as_i64() {
                Some(i) => q.bind(i),
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
    match v {
        Json::Null => 4,
        Json::Bool(_) => 5,
        Json::Number(_) => 12,
        Json::String(s) => s.len() as u64 + 3,
        other => other.to_string().len() as u64 + 1,
    }
}

fn number(f: f64) -> Json {
    serde_json::Number::from_f64(f)
        .map(Json::Number)
        .unwrap_or_else(|| Json::String(f.to_string()))
}

fn decimal(d: rust_decimal::Decimal) -> Json {
    let s = d.normalize().to_string();
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    match s.parse::<f64>() {
        Ok(f) if digits <= 15 => number(f),
        _ => Json::String(s),
    }
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
        "float4" => row.try_get::<f32, _>(i).ok().map(|f| number(f as f64)),
        "float8" => row.try_get::<f64, _>(i).ok().map(number),
        "numeric" => row.try_get::<rust_decimal::Decimal, _>(i).ok().map(decimal),
        "text" | "varchar" | "bpchar" | "name" | "char" | "citext" | "unknown" => {
            get::<String>(row, i)
        }
        "json" | "jsonb" => row.try_get::<Json, _>(i).ok(),
        "uuid" => row
            .try_get::<uuid::Uuid, _>(i)
            .ok()
            .map(|u| Json::String(u.to_string())),
        "date" => row
            .try_get::<chrono::NaiveDate, _>(i)
            .ok()
            .map(|d| Json::String(d.to_string())),
        "time" => row
            .try_get::<chrono::NaiveTime, _>(i)
            .ok()
            .map(|d| Json::String(d.to_string())),
        "timestamp" => row
            .try_get::<chrono::NaiveDateTime, _>(i)
            .ok()
            .map(|d| Json::String(d.format("%Y-%m-%d %H:%M:%S%.f").to_string())),
        "timestamptz" => row
            .try_get::<chrono::DateTime<chrono::Utc>, _>(i)
            .ok()
            .map(|d| Json::String(d.format("%Y-%m-%d %H:%M:%S%.f%:z").to_string())),
        "interval" => row
            .try_get::<sqlx::postgres::types::PgInterval, _>(i)
            .ok()
            .map(interval),
        "bytea" => row
            .try_get::<Vec<u8>, _>(i)
            .ok()
            .map(|b| Json::String(hex(&b))),
        "text[]" | "varchar[]" | "name[]" => row
            .try_get::<Vec<Option<String>>, _>(i)
            .ok()
            .map(Json::from),
        "int2[]" => row.try_get::<Vec<Option<i16>>, _>(i).ok().map(Json::from),
        "int4[]" => row.try_get::<Vec<Option<i32>>, _>(i).ok().map(Json::from),
        "int8[]" => row.try_get::<Vec<Option<i64>>, _>(i).ok().map(Json::from),
        "float8[]" => row.try_get::<Vec<Option<f64>>, _>(i).ok().map(Json::from),
        "bool[]" => row.try_get::<Vec<Option<bool>>, _>(i).ok().map(Json::from),
        "numeric[]" => row
            .try_get::<Vec<Option<rust_decimal::Decimal>>, _>(i)
            .ok()
            .map(|v| {
                Json::Array(
                    v.into_iter()
                        .map(|d| d.map(decimal).unwrap_or(Json::Null))
                        .collect(),
                )
            }),
        _ => None,
    };
    v.or_else(|| {
        row.try_get_unchecked::<String, _>(i)
            .ok()
            .filter(|s| !s.contains('\0'))
            .map(Json::String)
    })
    .unwrap_or_else(|| Json::String(format!("<{type_name} value>")))
}

fn interval(iv: sqlx::postgres::types::PgInterval) -> Json {
    let mut parts = Vec::new();
    if iv.months != 0 {
        parts.push(format!("{} mons", iv.months));
    }
    if iv.days != 0 {
        parts.push(format!("{} days", iv.days));
    }
    if iv.microseconds != 0 || parts.is_empty() {
        let total = iv.microseconds.unsigned_abs();
        let sign = if iv.microseconds < 0 { "-" } else { "" };
        let (h, rem) = (total / 3_600_000_000, total % 3_600_000_000);
        let (m, rem) = (rem / 60_000_000, rem % 60_000_000);
        let (s, us) = (rem / 1_000_000, rem % 1_000_000);
        if us == 0 {
            parts.push(format!("{sign}{h:02}:{m:02}:{s:02}"));
        } else {
            parts.push(format!("{sign}{h:02}:{m:02}:{s:02}.{us:06}"));
        }
    }
    Json::String(parts.join(" "))
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
            .try_get_unchecked::<Vec<u8>, _>(i)
            .ok()
            .map(|b| Json::String(hex(&b))),
        _ => row.try_get_unchecked::<String, _>(i).ok().map(Json::String),
    };
    v.unwrap_or(Json::Null)
}

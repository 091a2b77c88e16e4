//! Parameters typed as the database means them: a string parameter compared with a date,
//! timestamp or numeric column works as the same string literal would in psql.
//!
//! PostgreSQL gives an untyped literal (`'2025-01-01'`) the type its context wants, but a bound
//! parameter arrives typed: the driver sends a JSON string as `text`, and `created_at >= $1`
//! fails with "operator does not exist: timestamp >= text". `db` asks PostgreSQL which type it
//! infers for each parameter (a Parse without declared types, the way a literal is typed), and
//! where a string parameter is wanted as one of [`ParamType`]'s types, the statement is printed
//! again with that placeholder as `CAST($n AS type)`: the value stays bound, only its type is
//! said. Input: a [`GovernedQuery`] and the inferred types. Output: the same statement with casts
//! around placeholders. Nothing else in the statement changes, no text is spliced in (the type
//! names come from this file), and where the statement cannot be reprinted it is left as it was.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use sqlparser::ast::{CastKind, DataType, Expr, Ident, ObjectName, Value};

use super::GovernedQuery;
use crate::dialect::Dialect;

/// Types a string parameter may be cast to: PostgreSQL's input functions read them from text
/// exactly as they read a literal of that type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Date,
    Timestamp,
    Timestamptz,
    Time,
    Timetz,
    Interval,
    Numeric,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Bool,
    Uuid,
    Json,
    Jsonb,
    Inet,
    Cidr,
    /// Arrays, for `x = ANY($1)` with a list written as PostgreSQL reads one (`"{1,2,3}"`).
    TextArray,
    Int4Array,
    Int8Array,
    NumericArray,
    DateArray,
}

impl ParamType {
    /// The type PostgreSQL reports for a parameter (as the driver names it: `TIMESTAMPTZ`,
    /// `INT4`, ...), if a string parameter must be cast to it. Text-like types need no cast.
    pub fn from_postgres(name: &str) -> Option<ParamType> {
        Some(match name.to_ascii_uppercase().as_str() {
            "DATE" => ParamType::Date,
            "TIMESTAMP" => ParamType::Timestamp,
            "TIMESTAMPTZ" => ParamType::Timestamptz,
            "TIME" => ParamType::Time,
            "TIMETZ" => ParamType::Timetz,
            "INTERVAL" => ParamType::Interval,
            "NUMERIC" => ParamType::Numeric,
            "INT2" => ParamType::Int2,
            "INT4" => ParamType::Int4,
            "INT8" => ParamType::Int8,
            "FLOAT4" => ParamType::Float4,
            "FLOAT8" => ParamType::Float8,
            "BOOL" => ParamType::Bool,
            "UUID" => ParamType::Uuid,
            "JSON" => ParamType::Json,
            "JSONB" => ParamType::Jsonb,
            "INET" => ParamType::Inet,
            "CIDR" => ParamType::Cidr,
            "TEXT[]" | "VARCHAR[]" | "BPCHAR[]" => ParamType::TextArray,
            "INT4[]" | "INT2[]" => ParamType::Int4Array,
            "INT8[]" => ParamType::Int8Array,
            "NUMERIC[]" => ParamType::NumericArray,
            "DATE[]" => ParamType::DateArray,
            _ => return None,
        })
    }

    fn sql_name(self) -> &'static str {
        match self {
            ParamType::Date => "date",
            ParamType::Timestamp => "timestamp",
            ParamType::Timestamptz => "timestamptz",
            ParamType::Time => "time",
            ParamType::Timetz => "timetz",
            ParamType::Interval => "interval",
            ParamType::Numeric => "numeric",
            ParamType::Int2 => "int2",
            ParamType::Int4 => "int4",
            ParamType::Int8 => "int8",
            ParamType::Float4 => "float4",
            ParamType::Float8 => "float8",
            ParamType::Bool => "bool",
            ParamType::Uuid => "uuid",
            ParamType::Json => "json",
            ParamType::Jsonb => "jsonb",
            ParamType::Inet => "inet",
            ParamType::Cidr => "cidr",
            ParamType::TextArray => "text[]",
            ParamType::Int4Array => "int4[]",
            ParamType::Int8Array => "int8[]",
            ParamType::NumericArray => "numeric[]",
            ParamType::DateArray => "date[]",
        }
    }
}

impl GovernedQuery {
    /// The same statement with each placeholder `$n` in `casts` (1-based) written as
    /// `CAST($n AS type)`; `None` if there is nothing to cast or the statement does not reprint.
    pub fn with_param_casts(
        &self,
        dialect: Dialect,
        casts: &BTreeMap<usize, ParamType>,
    ) -> Option<GovernedQuery> {
        if casts.is_empty() || dialect != Dialect::Postgres {
            return None;
        }
        let mut statements = dialect
            .parser()
            .try_with_sql(&self.sql)
            .ok()?
            .parse_statements()
            .ok()?;
        let mut changed = false;
        let _ = sqlparser::ast::visit_expressions_mut(&mut statements, |e| {
            let target = match e {
                Expr::Value(v) => match &v.value {
                    Value::Placeholder(p) => p
                        .strip_prefix('$')
                        .and_then(|d| d.parse::<usize>().ok())
                        .and_then(|n| casts.get(&n)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(ty) = target {
                let placeholder = std::mem::replace(e, Expr::value(Value::Null));
                *e = Expr::Cast {
                    kind: CastKind::Cast,
                    expr: Box::new(placeholder),
                    data_type: DataType::Custom(
                        ObjectName::from(vec![Ident::new(ty.sql_name())]),
                        vec![],
                    ),
                    format: None,
                };
                changed = true;
            }
            ControlFlow::<()>::Continue(())
        });
        let [statement] = statements.as_slice() else {
            return None;
        };
        changed.then(|| GovernedQuery {
            sql: statement.to_string(),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_placeholders_get_a_cast() {
        let q = GovernedQuery {
            sql: "SELECT '$1' AS s FROM t WHERE a >= $1 AND b = $2 AND c < $10".into(),
            params: vec![],
            row_cap: None,
            tables: vec![],
            plan: None,
            caller_params: 0,
        };
        let casts = BTreeMap::from([(1, ParamType::Timestamptz), (10, ParamType::Numeric)]);
        let out = q.with_param_casts(Dialect::Postgres, &casts).expect("cast");
        assert_eq!(
            out.sql(),
            "SELECT '$1' AS s FROM t WHERE a >= CAST($1 AS timestamptz) AND b = $2 AND c < CAST($10 AS numeric)"
        );
        assert!(
            q.with_param_casts(Dialect::Postgres, &BTreeMap::new())
                .is_none()
        );
    }
}

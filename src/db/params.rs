//! PostgreSQL: string parameters typed the way PostgreSQL types a literal in their place.
//!
//! Input: a governed statement whose parameters include JSON strings. Output: the same
//! statement with those placeholders cast to the type PostgreSQL infers for them (see
//! `sql::params`), or `None` to run it as it is. One extra Parse/Describe round trip, only when
//! a string parameter is bound; the statement is parsed, never run, and the prepared statement
//! is released again at once.

use std::collections::BTreeMap;

use sqlx::{Either, Executor, SqlSafeStr, Statement, TypeInfo};

use crate::sql::{Dialect, GovernedQuery, ParamType};

/// The statement with its string parameters cast to the types PostgreSQL infers for them.
pub(super) async fn fit_pg(
    conn: &mut sqlx::PgConnection,
    query: &GovernedQuery,
) -> Option<GovernedQuery> {
    if !query.params().iter().any(serde_json::Value::is_string) {
        return None;
    }
    // No declared parameter types: PostgreSQL infers each one from its context. A statement it
    // cannot type (e.g. a bare `SELECT $1`) fails here and runs as it is, text bound as text.
    let prepared = conn
        .prepare_with(
            sqlx::AssertSqlSafe(query.sql().to_string()).into_sql_str(),
            &[],
        )
        .await;
    // The driver's statement cache is off, so the prepared statement would stay on the
    // session: release it (DEALLOCATE runs in a read-only session).
    if let Err(e) = sqlx::query("DEALLOCATE ALL").execute(&mut *conn).await {
        tracing::warn!(error = %e, "could not release an inferred-types statement");
    }
    let statement = prepared.ok()?;
    let Some(Either::Left(types)) = statement.parameters() else {
        return None;
    };
    let casts: BTreeMap<usize, ParamType> = query
        .params()
        .iter()
        .zip(types)
        .enumerate()
        .filter(|(_, (value, _))| value.is_string())
        .filter_map(|(i, (_, ty))| ParamType::from_postgres(ty.name()).map(|t| (i + 1, t)))
        .collect();
    query.with_param_casts(Dialect::Postgres, &casts)
}

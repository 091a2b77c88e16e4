//! PostgreSQL: string parameters typed the way PostgreSQL types a literal in their place.
//!
//! Input: a governed statement whose parameters include JSON strings. Output: the same
//! statement with those placeholders cast to the type PostgreSQL infers for them (see
//! `sql::params`), or `None` to run it as it is. The types PostgreSQL infers depend only on the
//! statement and the schema, so they are kept per database by catalog generation and governed
//! SQL: a statement pays one extra Parse/Describe round trip (parsed, never run) the first time
//! it is bound with a string parameter.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sqlx::{Either, Executor, SqlSafeStr, Statement, TypeInfo};

use crate::sql::{Dialect, GovernedQuery, ParamType};

/// Inferred parameter types (`None`: no cast) by (catalog generation, governed SQL).
pub(crate) type InferredTypes = moka::sync::Cache<(u64, String), Arc<Vec<Option<ParamType>>>>;

/// A bounded cache of inferred types: 4 MiB of statements, each kept ten minutes at most.
pub(crate) fn inferred_types() -> InferredTypes {
    moka::sync::Cache::builder()
        .max_capacity(4 << 20)
        .weigher(|k: &(u64, String), v: &Arc<Vec<Option<ParamType>>>| {
            u32::try_from(k.1.len() + v.len() * 2 + 16).unwrap_or(u32::MAX)
        })
        .time_to_live(Duration::from_secs(600))
        .build()
}

/// The statement with its string parameters cast to the types PostgreSQL infers for them.
pub(super) async fn fit_pg(
    conn: &mut sqlx::PgConnection,
    query: &GovernedQuery,
    cache: &InferredTypes,
    generation: u64,
) -> Option<GovernedQuery> {
    if !query.params().iter().any(bound_as_text) {
        return None;
    }
    let key = (generation, query.sql().to_string());
    let types = match cache.get(&key) {
        Some(types) => types,
        None => {
            // A statement PostgreSQL cannot type runs uncast; that is remembered too.
            // Boxed: few calls get here, every call's future would carry its size.
            let types = Arc::new(Box::pin(infer(conn, query)).await.unwrap_or_default());
            cache.insert(key, types.clone());
            types
        }
    };
    let casts: BTreeMap<usize, ParamType> = query
        .params()
        .iter()
        .zip(types.iter())
        .enumerate()
        .filter(|(_, (value, _))| bound_as_text(value))
        .filter_map(|(i, (_, ty))| ty.map(|t| (i + 1, t)))
        .collect();
    query.with_param_casts(Dialect::Postgres, &casts)
}

/// Strings, and NULLs (bound as a text NULL): the values whose placeholder takes the type
/// PostgreSQL infers for it, so `id = $1` with NULL compares as `id = NULL` would.
fn bound_as_text(value: &serde_json::Value) -> bool {
    value.is_string() || value.is_null()
}

/// Ask PostgreSQL which type it infers for each parameter of the statement.
async fn infer(
    conn: &mut sqlx::PgConnection,
    query: &GovernedQuery,
) -> Option<Vec<Option<ParamType>>> {
    // No declared parameter types: PostgreSQL infers each one from its context. A statement it
    // cannot type (e.g. a bare `SELECT $1`) fails here and runs as it is, text bound as text.
    let prepared = conn
        .prepare_with(
            sqlx::AssertSqlSafe(query.sql().to_string()).into_sql_str(),
            &[],
        )
        .await;
    // The driver keeps the statement in its bounded per-connection cache under this text;
    // calls run it under another (`execute::pg_statement_text`), with their own types.
    let statement = prepared.ok()?;
    let Some(Either::Left(types)) = statement.parameters() else {
        return None;
    };
    Some(
        types
            .iter()
            .map(|ty| ParamType::from_postgres(ty.name()))
            .collect(),
    )
}

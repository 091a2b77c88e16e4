//! Execution: pooled, read-only connections and the one function that runs governed SQL.
//!
//! Input: a [`GovernedQuery`](crate::sql::GovernedQuery) (nothing else can be executed) and the
//! caller's limits. Output: a [`RowSet`] or a [`DbError`]. Sessions are read-only from the
//! start (PostgreSQL startup options; SQLite opened read-only with `query_only`), each call
//! runs one statement over the extended protocol, the database enforces the statement
//! timeout, and a call that times out or is cancelled cancels its backend query.

// db/ is where SQL runs: governed statements and our own fixed introspection statements.
mod binary;
mod composite;
#[allow(clippy::disallowed_methods)]
mod execute;
pub mod hints;
mod numeric;
#[allow(clippy::disallowed_methods)]
mod params;
mod plan;
#[allow(clippy::disallowed_methods)]
mod pool;
#[allow(clippy::disallowed_methods)]
pub mod schema;
mod value;

use std::sync::Arc;
use std::time::Duration;

pub use execute::execute;
pub use hints::{ColumnValues, HintCache, HintKey};
pub use pool::{Database, DatabaseOptions, DbSchema, SchemaCell};
pub use schema::inspect_login;

/// A column of a result.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct ColumnMeta {
    pub name: String,
    /// The database's type name (e.g. int4, text, numeric, timestamp).
    #[serde(rename = "type")]
    pub type_name: String,
}

/// Rows as the database returned them, already cut to the caller's caps.
#[derive(Debug, Clone, Default)]
pub struct RowSet {
    pub columns: Vec<ColumnMeta>,
    pub rows: Vec<Vec<serde_json::Value>>,
    /// More rows existed than the row cap, or the byte budget was reached.
    pub truncated: bool,
    /// Which cap cut the result: "rows" or "bytes".
    pub truncated_by: Option<&'static str>,
}

/// Caps for one execution.
#[derive(Debug, Clone, Copy)]
pub struct ExecLimits {
    pub max_rows: u64,
    pub max_result_bytes: u64,
    pub statement_timeout: Duration,
}

/// Why execution failed. Messages are safe to show: no hosts, paths or connection strings.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DbError {
    /// The database rejected the statement.
    #[error("{message}")]
    Database {
        code: Option<String>,
        message: String,
    },
    /// The statement ran past its timeout and was cancelled in the database.
    #[error("the statement ran longer than {0:?} and was cancelled")]
    Timeout(Duration),
    /// The caller cancelled the call; the backend query was cancelled too.
    #[error("the call was cancelled")]
    Cancelled,
    /// No connection could be had.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Every connection of the pool stayed in use for the whole wait: the database answers,
    /// it is busy (the circuit breaker does not count this as a failure to reach it).
    #[error("the database is unavailable: {0}")]
    Busy(String),
    /// Something went wrong that is not the caller's doing.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Databases = Arc<Vec<Arc<Database>>>;

/// Check that a connection can be had and used.
pub async fn ping(db: &Database) -> Result<(), DbError> {
    use sqlx::Connection;
    match &db.pool {
        pool::Pool::Postgres(p) => {
            let mut c = p.get().await.map_err(pool::unavailable)?;
            c.conn.ping().await.map_err(execute::db_error)
        }
        pool::Pool::Sqlite(p) => {
            let mut c = p.get().await.map_err(pool::unavailable)?;
            c.conn.ping().await.map_err(execute::db_error)
        }
    }
}

/// Build the demo SQLite database at `path` from the project's SQL (schema + data).
/// Writes a temporary file and renames it, so a half-built database is never served.
#[allow(clippy::disallowed_methods)]
pub async fn build_demo_sqlite(path: &std::path::Path) -> Result<(), DbError> {
    use sqlx::{ConnectOptions, Connection};
    let tmp = path.with_extension("building");
    let _ = std::fs::remove_file(&tmp);
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&tmp)
        .create_if_missing(true);
    let mut conn = opts
        .connect()
        .await
        .map_err(|e| DbError::Internal(format!("create demo database: {e}")))?;
    for (name, sql) in [
        ("schema", include_str!("../../demo/sqlite/schema.sql")),
        ("data", include_str!("../../demo/sqlite/data.sql")),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .map_err(|e| DbError::Internal(format!("demo {name}.sql: {e}")))?;
    }
    conn.close()
        .await
        .map_err(|e| DbError::Internal(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| DbError::Internal(format!("demo database: {e}")))?;
    Ok(())
}

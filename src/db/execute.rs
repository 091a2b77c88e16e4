//! Run one governed statement and collect its rows within the caller's caps.

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::{Column, Executor, Row};
use tokio_util::sync::CancellationToken;

use super::pool::{Pool, now_ms};
use super::value::{self, Binder};
use super::{ColumnMeta, Database, DbError, ExecLimits, RowSet};
use crate::sql::GovernedQuery;

/// Grace beyond the database-side statement timeout before the client side gives up too.
const CLIENT_GRACE: Duration = Duration::from_secs(2);

/// Execute a governed query. The only way SQL reaches a target database.
#[tracing::instrument(name = "db.execute", skip_all, fields(database = %db.name, dialect = db.dialect.name()))]
pub async fn execute(
    db: &Database,
    query: &GovernedQuery,
    limits: ExecLimits,
    cancel: &CancellationToken,
) -> Result<RowSet, DbError> {
    let backstop = limits.statement_timeout + CLIENT_GRACE;
    let result = match &db.pool {
        Pool::Postgres(pool) => {
            // A lost session is retried once on another, when this checkout trusted it
            // without a liveness check (see `pool::TRUSTED_FOR`); the statement is read-only.
            // Once only: a statement that itself ends sessions must not be run on each one.
            let mut retried = false;
            loop {
                let mut obj = pool.get().await.map_err(super::pool::unavailable)?;
                let outcome = tokio::select! {
                    r = run_pg(&mut obj, query, limits, db) => Some(r),
                    _ = cancel.cancelled() => None,
                    _ = tokio::time::sleep(backstop) => None,
                };
                // An answer from the server (rows, or an error with a SQLSTATE that does not
                // mean the session is gone) vouches for the session: its next checkout within
                // `pool::TRUSTED_FOR` skips the ping.
                let answered = match &outcome {
                    Some(Ok(_)) => true,
                    Some(Err(e)) => {
                        matches!(e, DbError::Database { code: Some(_), .. }) && !session_lost(e)
                    }
                    None => false,
                };
                if answered {
                    let losses = pool.manager().losses.load(Ordering::Relaxed);
                    obj.ok_at = Some((std::time::Instant::now(), losses));
                }
                if obj.oversized && outcome.is_some() {
                    drop(deadpool::managed::Object::take(obj));
                    break outcome.unwrap_or(Err(DbError::Cancelled));
                }
                match outcome {
                    Some(Ok(set)) => break Ok(set),
                    Some(Err(e)) if session_lost(&e) => {
                        // Never hand a lost session out again, and check every other one
                        // before it is used (they were likely lost together).
                        pool.manager().losses.fetch_add(1, Ordering::Relaxed);
                        let unchecked = obj.unchecked;
                        drop(deadpool::managed::Object::take(obj));
                        if unchecked && !retried {
                            retried = true;
                            tracing::debug!(database = %db.name, "a pooled session was lost; running the statement on another");
                            continue;
                        }
                        break Err(e);
                    }
                    Some(Err(e)) => break Err(e),
                    None => {
                        // The statement may still run in the backend: cancel it there, and
                        // never return this connection (it is mid-protocol) to the pool. Some
                        // work never looks at a cancel (arithmetic on huge numerics, one
                        // expression of many such operations): the session stays checked out
                        // until its backend has stopped, so runaway backends never outnumber
                        // the pool however many calls time out (they piled up outside it
                        // before, up to the server's max_connections). A tracked task (it
                        // completes even if this call is dropped; shutdown waits for it, for
                        // a while); the call ends once the cancel has been sent.
                        let pid = obj.pid;
                        let opts = obj_manager_opts(pool);
                        let (sent_tx, sent) = tokio::sync::oneshot::channel();
                        db.background.spawn(async move {
                            cancel_pg_backend(opts.clone(), pid).await;
                            let _ = sent_tx.send(());
                            until_backend_stops(opts, pid).await;
                            drop(deadpool::managed::Object::take(obj));
                        });
                        let _ = sent.await;
                        break Err(if cancel.is_cancelled() {
                            DbError::Cancelled
                        } else {
                            DbError::Timeout(limits.statement_timeout)
                        });
                    }
                }
            }
        }
        Pool::Sqlite(pool) => {
            let mut obj = pool.get().await.map_err(super::pool::unavailable)?;
            let deadline = now_ms() + limits.statement_timeout.as_millis() as u64;
            obj.deadline_ms.store(deadline, Ordering::Relaxed);
            let outcome = tokio::select! {
                r = collect_sqlite(&mut obj.conn, query, limits) => Some(r),
                _ = cancel.cancelled() => None,
                _ = tokio::time::sleep(backstop) => None,
            };
            obj.deadline_ms.store(0, Ordering::Relaxed);
            match outcome {
                Some(Err(DbError::Database {
                    code: Some(code), ..
                })) if code == "9" => Err(DbError::Timeout(limits.statement_timeout)),
                Some(Err(e @ (DbError::Internal(_) | DbError::Unavailable(_)))) => {
                    // Its worker may be dead (sqlx panics when SQLite runs out of memory copying
                    // a row): handed out again, it failed every later call (red-team finding).
                    drop(deadpool::managed::Object::take(obj));
                    Err(e)
                }
                Some(r) => r,
                None => {
                    // Interrupt the statement through the progress handler. It may still be
                    // running on the connection's thread (one function call, a nested
                    // replace() or a long instr(), is not interruptible), so the connection
                    // stays checked out until it has finished: a ping queues behind the
                    // statement. Then it is dropped. Runaway statements thus never outnumber
                    // the pool, however many calls time out.
                    obj.cancelled.store(true, Ordering::Relaxed);
                    db.background.spawn(async move {
                        let _ = sqlx::Connection::ping(&mut obj.conn).await;
                        drop(deadpool::managed::Object::take(obj));
                    });
                    Err(if cancel.is_cancelled() {
                        DbError::Cancelled
                    } else {
                        DbError::Timeout(limits.statement_timeout)
                    })
                }
            }
        }
    };
    // An EXPLAIN's plan as the caller's role may see it.
    result.map(|set| super::plan::redact(set, query))
}

/// Whether an error means the session itself is gone: the connection failed, or the server
/// ended it (SQLSTATE class 08, connection exception; 57P01-57P03, shutdown or terminated by an
/// administrator).
fn session_lost(e: &DbError) -> bool {
    match e {
        DbError::Unavailable(_) => true,
        DbError::Database {
            code: Some(code), ..
        } => code.starts_with("08") || matches!(code.as_str(), "57P01" | "57P02" | "57P03"),
        _ => false,
    }
}

/// One statement on a checked-out session: its statement timeout set when the role's differs
/// from the session's, then the statement.
async fn run_pg(
    obj: &mut super::pool::PgConn,
    query: &GovernedQuery,
    limits: ExecLimits,
    db: &Database,
) -> Result<RowSet, DbError> {
    // A role with its own statement timeout: the database enforces it, set on the session by
    // our code (never by caller SQL) and only when it changes.
    let want = limits.statement_timeout.as_millis().max(1) as u64;
    if obj.timeout_ms != want {
        // The rare paths' futures are boxed here and below: every call's future would carry
        // (and copy) their size otherwise.
        Box::pin(
            sqlx::query("SELECT set_config('statement_timeout', $1, false)")
                .bind(format!("{want}ms"))
                .execute(&mut obj.conn),
        )
        .await
        .map_err(db_error)?;
        obj.timeout_ms = want;
    }
    let mut largest = 0;
    let r = collect_pg_cached(&mut obj.conn, query, limits, db, &mut largest).await;
    obj.oversized = largest > OVERSIZED_ROW;
    r
}

/// A row of more bytes than this closes its session afterwards: the driver keeps its read
/// buffer at its largest (an 800 MB cell left 300 MB per pooled session, red-team finding).
const OVERSIZED_ROW: usize = 4 << 20;

fn obj_manager_opts(
    pool: &deadpool::managed::Pool<super::pool::PgManager>,
) -> sqlx::postgres::PgConnectOptions {
    pool.manager().opts.clone()
}

/// Cancel a backend's running statement from a separate session.
async fn cancel_pg_backend(opts: sqlx::postgres::PgConnectOptions, pid: i32) {
    use sqlx::Connection;
    match sqlx::PgConnection::connect_with(&opts).await {
        Ok(mut conn) => {
            let r = sqlx::query("SELECT pg_cancel_backend($1)")
                .bind(pid)
                .execute(&mut conn)
                .await;
            if let Err(e) = r {
                tracing::warn!(pid, error = %e, "could not cancel backend query");
            }
            let _ = conn.close().await;
        }
        Err(e) => tracing::warn!(pid, error = %e, "could not connect to cancel backend query"),
    }
}

/// The longest a timed-out statement's session is held waiting for its backend to stop.
const RUNAWAY_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Wait until backend `pid` runs no statement (or is gone), at most [`RUNAWAY_WAIT`].
async fn until_backend_stops(opts: sqlx::postgres::PgConnectOptions, pid: i32) {
    use sqlx::Connection;
    let Ok(mut conn) = sqlx::PgConnection::connect_with(&opts).await else {
        return;
    };
    let started = std::time::Instant::now();
    while started.elapsed() < RUNAWAY_WAIT {
        let state: Result<Option<String>, _> =
            sqlx::query_scalar("SELECT state FROM pg_stat_activity WHERE pid = $1")
                .bind(pid)
                .fetch_optional(&mut conn)
                .await
                .map(Option::flatten);
        match state {
            Ok(Some(s)) if s == "active" => {}
            Ok(_) => break,
            Err(e) => {
                tracing::debug!(pid, error = %e, "could not watch a cancelled backend");
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let _ = conn.close().await;
}

/// [`collect_pg`] through the connection's prepared statements. A table whose columns changed
/// since a statement was prepared fails it with 0A000 (`cached plan must not change result
/// type`): the connection then forgets its statements and the query runs once more, prepared
/// afresh (the statement is read-only, so running it again changes nothing).
async fn collect_pg_cached(
    conn: &mut sqlx::PgConnection,
    query: &GovernedQuery,
    limits: ExecLimits,
    db: &Database,
    largest: &mut usize,
) -> Result<RowSet, DbError> {
    match collect_pg(conn, query, limits, db, largest).await {
        Err(DbError::Database {
            code: Some(code), ..
        }) if code == "0A000" => {
            use sqlx::Connection;
            Box::pin(conn.clear_cached_statements())
                .await
                .map_err(db_error)?;
            Box::pin(collect_pg(conn, query, limits, db, largest)).await
        }
        r => r,
    }
}

async fn collect_pg(
    conn: &mut sqlx::PgConnection,
    query: &GovernedQuery,
    limits: ExecLimits,
    db: &Database,
    largest: &mut usize,
) -> Result<RowSet, DbError> {
    // String parameters typed as PostgreSQL would type a literal in their place.
    let generation = db.schema.load().generation;
    let fitted = super::params::fit_pg(conn, query, &db.param_types, generation).await;
    let query = fitted.as_ref().unwrap_or(query);
    // Prepared once per connection and text (the governed text fully determines the
    // statement; values are bound): a repeated statement is one round trip, and PostgreSQL
    // may keep its plan.
    let mut q = sqlx::query(sqlx::AssertSqlSafe(pg_statement_text(query)));
    for p in query.params() {
        q = Binder::bind_pg(q, p);
    }
    let mut set = RowSet::default();
    let mut types: Vec<String> = Vec::new();
    let mut budget = Budget::new(query, limits);
    {
        let mut stream = q.fetch(&mut *conn);
        while let Some(row) = stream.try_next().await.map_err(db_error)? {
            if set.columns.is_empty() && types.is_empty() {
                set.columns = columns_of(&row);
                types = set.columns.iter().map(|c| c.type_name.clone()).collect();
            }
            let raw = (0..row.len())
                .filter_map(|i| row.try_get_raw(i).ok().and_then(|v| v.as_bytes().ok()))
                .map(<[u8]>::len)
                .sum::<usize>();
            *largest = (*largest).max(raw);
            if !budget.room_for(&mut set, raw) {
                break;
            }
            let values: Vec<serde_json::Value> = (0..row.len())
                .map(|i| value::pg_value(&row, i, types.get(i).map(String::as_str).unwrap_or("")))
                .collect();
            if !budget.admit(&mut set, values) {
                break;
            }
        }
    }
    if set.columns.is_empty() {
        set.columns = Box::pin(describe_pg(conn, query.sql())).await?;
    }
    Ok(set)
}

/// The text a PostgreSQL statement is prepared under: the governed SQL, then the kinds of its
/// bound values in a comment. The driver keeps prepared statements by text, and PostgreSQL
/// fixes a statement's parameter types when it is prepared: a call binding a float (or a
/// NULL, bound as text) where an earlier call bound an integer must get its own statement.
fn pg_statement_text(query: &GovernedQuery) -> String {
    let sql = query.sql();
    if query.params().is_empty() {
        return sql.to_string();
    }
    let mut text = String::with_capacity(sql.len() + 16 + query.params().len());
    text.push_str(sql);
    text.push_str(" /* ");
    for p in query.params() {
        text.push(match p {
            serde_json::Value::Null => 'n',
            serde_json::Value::Bool(_) => 'b',
            // (bound as `integer` when it fits, else `bigint`: two statements)
            serde_json::Value::Number(n)
                if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) =>
            {
                'i'
            }
            serde_json::Value::Number(n) if n.is_i64() => 'I',
            serde_json::Value::Number(_) => 'f',
            serde_json::Value::String(_) => 's',
            _ => 'j',
        });
    }
    text.push_str(" */");
    text
}

async fn collect_sqlite(
    conn: &mut sqlx::SqliteConnection,
    query: &GovernedQuery,
    limits: ExecLimits,
) -> Result<RowSet, DbError> {
    // Prepared once per connection and text, as on PostgreSQL.
    let mut q = sqlx::query(sqlx::AssertSqlSafe(query.sql().to_string()));
    for p in query.params() {
        q = Binder::bind_sqlite(q, p);
    }
    let mut set = RowSet::default();
    let mut budget = Budget::new(query, limits);
    {
        let mut stream = q.fetch(&mut *conn);
        while let Some(row) = stream.try_next().await.map_err(db_error)? {
            if set.columns.is_empty() {
                set.columns = columns_of(&row);
            }
            // A row far past the bytes left is not decoded (as on PostgreSQL).
            let raw: usize = (0..row.len()).map(|i| value::sqlite_raw_len(&row, i)).sum();
            if !budget.room_for(&mut set, raw) {
                break;
            }
            let values: Vec<serde_json::Value> = (0..row.len())
                .map(|i| value::sqlite_value(&row, i))
                .collect();
            if !budget.admit(&mut set, values) {
                break;
            }
        }
    }
    if set.columns.is_empty() {
        set.columns = Box::pin(describe_sqlite(conn, query.sql())).await?;
    }
    infer_untyped_columns(&mut set);
    Ok(set)
}

fn columns_of<R: Row>(row: &R) -> Vec<ColumnMeta> {
    row.columns().iter().map(column_meta).collect()
}

/// Column names and types of a statement that returned no rows.
async fn describe_pg(conn: &mut sqlx::PgConnection, sql: &str) -> Result<Vec<ColumnMeta>, DbError> {
    use sqlx::{SqlSafeStr, Statement};
    let statement = conn
        .prepare(sqlx::AssertSqlSafe(sql.to_string()).into_sql_str())
        .await
        .map_err(db_error)?;
    Ok(statement.columns().iter().map(column_meta).collect())
}

async fn describe_sqlite(
    conn: &mut sqlx::SqliteConnection,
    sql: &str,
) -> Result<Vec<ColumnMeta>, DbError> {
    use sqlx::{SqlSafeStr, Statement};
    let statement = conn
        .prepare(sqlx::AssertSqlSafe(sql.to_string()).into_sql_str())
        .await
        .map_err(db_error)?;
    Ok(statement.columns().iter().map(column_meta).collect())
}

fn column_meta<C: Column>(c: &C) -> ColumnMeta {
    use sqlx::TypeInfo;
    ColumnMeta {
        name: c.name().to_string(),
        type_name: c.type_info().name().to_ascii_lowercase(),
    }
}

/// SQLite reports no declared type for expressions (`count(*)`): name the type of the values.
fn infer_untyped_columns(set: &mut RowSet) {
    for (i, col) in set.columns.iter_mut().enumerate() {
        if col.type_name != "null" {
            continue;
        }
        let first = set
            .rows
            .iter()
            .filter_map(|r| r.get(i))
            .find(|v| !v.is_null());
        col.type_name = match first {
            Some(serde_json::Value::Number(n)) if n.is_i64() || n.is_u64() => "integer",
            Some(serde_json::Value::Number(_)) => "real",
            Some(serde_json::Value::Bool(_)) => "boolean",
            Some(_) => "text",
            None => "null",
        }
        .to_string();
    }
}

/// Row cap and byte budget.
struct Budget {
    max_rows: u64,
    max_bytes: u64,
    bytes: u64,
}

impl Budget {
    fn new(query: &GovernedQuery, limits: ExecLimits) -> Self {
        let max_rows = query
            .row_cap()
            .unwrap_or(limits.max_rows)
            .min(limits.max_rows);
        Budget {
            max_rows,
            max_bytes: limits.max_result_bytes,
            bytes: 0,
        }
    }

    /// Whether a row of `raw` bytes as the driver received them may still fit once decoded
    /// (no value prints in fewer than an eighth of its bytes: an `int8` of 8 bytes as `0`);
    /// `false` means stop fetching without decoding it, so a cell of hundreds of megabytes is
    /// not copied into a second form only to be cut.
    fn room_for(&mut self, set: &mut RowSet, raw: usize) -> bool {
        let left = self.max_bytes.saturating_sub(self.bytes);
        if raw as u64 > left.saturating_mul(8).saturating_add(64) {
            set.truncated = true;
            set.truncated_by = Some("bytes");
            return false;
        }
        true
    }

    /// Add a row if the caps allow; `false` means stop fetching.
    fn admit(&mut self, set: &mut RowSet, row: Vec<serde_json::Value>) -> bool {
        if set.rows.len() as u64 >= self.max_rows {
            set.truncated = true;
            set.truncated_by = Some("rows");
            return false;
        }
        let size = row.iter().map(value::approx_size).sum::<u64>() + 2;
        if self.bytes + size > self.max_bytes {
            set.truncated = true;
            set.truncated_by = Some("bytes");
            return false;
        }
        self.bytes += size;
        set.rows.push(row);
        true
    }
}

/// A database error with its code and a message scrubbed of paths and hosts.
pub(crate) fn db_error(e: sqlx::Error) -> DbError {
    match e {
        sqlx::Error::Database(d) => {
            let code = d.code().map(|c| c.to_string());
            if code.as_deref() == Some("57014") {
                return DbError::Database {
                    code,
                    message: "canceling statement due to statement timeout".into(),
                };
            }
            DbError::Database {
                code,
                message: scrub(d.message()),
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed => DbError::Unavailable("the database connection failed".into()),
        sqlx::Error::Protocol(_) => {
            DbError::Unavailable("the database connection failed (protocol error)".into())
        }
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            DbError::Internal("a value could not be decoded".into())
        }
        // (not `Unavailable`: the database is reachable, and the breaker is for when it is not)
        sqlx::Error::WorkerCrashed => DbError::Internal(
            "the database connection stopped (SQLite ran out of memory?); the next call gets a new one"
                .into(),
        ),
        _ => DbError::Internal("the query could not be executed".into()),
    }
}

/// Remove absolute paths and host:port pairs from a database message.
pub(crate) fn scrub(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, word) in message.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let trimmed =
            word.trim_matches(|c: char| c == '"' || c == '\'' || c == '(' || c == ')' || c == ',');
        let looks_like_path = trimmed.starts_with('/')
            && trimmed.len() > 1
            && trimmed[1..].contains(|c: char| c.is_ascii_alphanumeric());
        let looks_like_host = trimmed.contains(':')
            && trimmed
                .split(':')
                .next_back()
                .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            && trimmed.contains('.');
        if looks_like_path {
            out.push_str(&word.replace(trimmed, "<path>"));
        } else if looks_like_host {
            out.push_str(&word.replace(trimmed, "<host>"));
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Budget, RowSet, scrub};

    /// A row far larger than the bytes left is refused before it is decoded; one that could
    /// still fit once decoded is left to the decoded check.
    #[test]
    fn rows_far_past_the_byte_cap_are_not_decoded() {
        let mut budget = Budget {
            max_rows: 100,
            max_bytes: 1_000,
            bytes: 900,
        };
        let mut set = RowSet::default();
        assert!(budget.room_for(&mut set, 8 * 100 + 64));
        assert!(!set.truncated);
        assert!(!budget.room_for(&mut set, 8 * 100 + 65));
        assert!(set.truncated);
        assert_eq!(set.truncated_by, Some("bytes"));
    }

    #[test]
    fn scrub_removes_paths_and_hosts() {
        assert_eq!(
            scrub("could not open file \"/etc/passwd\" for reading"),
            "could not open file \"<path>\" for reading"
        );
        assert_eq!(
            scrub("connection to 10.0.0.5:5432 refused"),
            "connection to <host> refused"
        );
        assert_eq!(scrub("division by zero"), "division by zero");
    }
}

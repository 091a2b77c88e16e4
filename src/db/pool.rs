//! Pools of session-safe connections (deadpool over sqlx), one per database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, SqliteConnection};

use std::collections::HashMap;

use super::DbError;
use crate::diag::Diagnostic;
use crate::policy::PolicySet;
use crate::sql::{Catalog, CompiledRole, Dialect};

/// How to reach one database and what to expose of it.
#[derive(Clone)]
pub struct DatabaseOptions {
    pub name: String,
    /// Connection URL. Never logged.
    pub url: crate::config::Secret,
    /// Schemas whose tables are exposed (PostgreSQL); SQLite always uses `main`.
    pub schemas: Vec<String>,
    pub max_connections: usize,
    pub statement_timeout: Duration,
    pub connect_timeout: Duration,
}

/// One configured database: its pool and catalog.
pub struct Database {
    pub name: String,
    pub dialect: Dialect,
    pub(crate) pool: Pool,
    pub schema: SchemaCell,
    /// The role policies compiled against the catalog; replaced as a whole on reload.
    policies: std::sync::RwLock<Arc<PolicySet>>,
    /// Held while roles are compiled and stored, so a catalog refresh and a policy reload
    /// never interleave (one could otherwise store roles of the policies it replaced).
    compile: std::sync::Mutex<()>,
    /// False until the catalog has been read (the database may be down at start).
    catalog_ready: AtomicBool,
    pub statement_timeout: Duration,
    /// Work that must finish even if its caller goes away (backend cancels); shutdown waits.
    pub(crate) background: tokio_util::task::TaskTracker,
    /// PostgreSQL: the parameter types inferred for governed statements (see `params`).
    pub(crate) param_types: super::params::InferredTypes,
}

/// A database's catalog and every role compiled against it: replaced as a whole when the
/// schema is re-read, so a request always sees one consistent pair.
#[derive(Debug, Default)]
pub struct DbSchema {
    pub catalog: Catalog,
    pub roles: HashMap<String, Arc<CompiledRole>>,
    /// Policy errors found compiling against this catalog (the role is then absent).
    pub errors: Vec<Diagnostic>,
    /// Rules naming a table this database does not have.
    pub unmatched: Vec<(String, Diagnostic)>,
    /// The server's version as people know it (`15.4`, `3.46.0`), read with the catalog.
    pub version: Option<String>,
    /// Distinct values of low-cardinality columns per role and attributes: dropped with this
    /// catalog when it is read again with a change (see [`Database::refresh_catalog`]).
    pub value_hints: super::hints::HintCache,
    /// Unique in this process to one catalog compiled with one policy set: a new catalog or a
    /// new policy set gets a new one, so cache entries keyed by it become unreachable.
    pub generation: u64,
    /// The policy set the roles were compiled from (held, so its address stays unique).
    compiled_from: Option<Arc<PolicySet>>,
}

/// The next [`DbSchema::generation`].
fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl DbSchema {
    pub fn role(&self, name: &str) -> Option<&Arc<CompiledRole>> {
        self.roles.get(name)
    }
}

/// The current [`DbSchema`] of a database.
#[derive(Default)]
pub struct SchemaCell(std::sync::RwLock<Arc<DbSchema>>);

impl SchemaCell {
    pub fn load(&self) -> Arc<DbSchema> {
        match self.0.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
    fn store(&self, c: DbSchema) {
        match self.0.write() {
            Ok(mut g) => *g = Arc::new(c),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(c),
        }
    }
}

pub(crate) enum Pool {
    Postgres(deadpool::managed::Pool<PgManager>),
    Sqlite(deadpool::managed::Pool<SqliteManager>),
}

pub(crate) struct PgManager {
    pub(crate) opts: PgConnectOptions,
    pub(crate) timeout_ms: u64,
    /// Sessions found lost so far: one lost session (a restart, an administrator ending
    /// sessions) makes every session trusted before it checked again at its next checkout.
    pub(crate) losses: AtomicU64,
    /// Liveness checks (pings) made at checkout so far.
    pub(crate) checks: AtomicU64,
}

/// A session whose last statement completed less than this long ago is handed out without a
/// liveness round trip (the idea of HikariCP's `aliveBypassWindowMs`): under load every
/// checkout would otherwise cost a second round trip to the database, about a tenth of the
/// server's CPU per point lookup. A session that turns out lost anyway is dropped and its
/// statement runs once more on another session (see `db::execute`), and every other session
/// is checked at its next checkout (see [`PgManager::losses`]).
const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// A PostgreSQL session and its backend pid (for cancellation).
pub(crate) struct PgConn {
    pub(crate) conn: PgConnection,
    pub(crate) pid: i32,
    /// The session's statement_timeout in ms (set at startup; changed for roles with another).
    pub(crate) timeout_ms: u64,
    /// When a governed statement last completed on this session, and the pool's loss count
    /// then.
    pub(crate) ok_at: Option<(Instant, u64)>,
    /// Whether this checkout skipped the liveness check ([`TRUSTED_FOR`]).
    pub(crate) unchecked: bool,
    /// Whether this session received a row so large that its read buffer, which the driver
    /// keeps at its largest, should not stay in the pool.
    pub(crate) oversized: bool,
}

impl deadpool::managed::Manager for PgManager {
    type Type = PgConn;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<PgConn, sqlx::Error> {
        // Boxed (as the ping below): deadpool's checkout future holds this one, so its size
        // would be carried and copied by every call, though few calls connect.
        Box::pin(async {
            let mut conn = PgConnection::connect_with(&self.opts).await?;
            let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
                .fetch_one(&mut conn)
                .await?;
            Ok(PgConn {
                conn,
                pid,
                timeout_ms: self.timeout_ms,
                ok_at: None,
                unchecked: false,
                oversized: false,
            })
        })
        .await
    }

    async fn recycle(
        &self,
        c: &mut PgConn,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<sqlx::Error> {
        // Only an answer from the server vouches for the session (a completed statement, or
        // an error with a SQLSTATE): a checkout that ended otherwise, or was used elsewhere,
        // is checked next time.
        let losses = self.losses.load(Ordering::Relaxed);
        c.unchecked = c
            .ok_at
            .take()
            .is_some_and(|(at, seen)| seen == losses && at.elapsed() < TRUSTED_FOR);
        if c.unchecked {
            return Ok(());
        }
        self.checks.fetch_add(1, Ordering::Relaxed);
        Box::pin(c.conn.ping())
            .await
            .map_err(deadpool::managed::RecycleError::Backend)
    }
}

pub(crate) struct SqliteManager {
    pub(crate) opts: SqliteConnectOptions,
}

/// A read-only SQLite connection with a progress handler that enforces deadlines.
pub(crate) struct SqliteConn {
    pub(crate) conn: SqliteConnection,
    /// Milliseconds since the Unix epoch after which the running statement is interrupted; 0 = none.
    pub(crate) deadline_ms: Arc<AtomicU64>,
    pub(crate) cancelled: Arc<AtomicBool>,
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl deadpool::managed::Manager for SqliteManager {
    type Type = SqliteConn;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<SqliteConn, sqlx::Error> {
        // Boxed, as for PostgreSQL: few calls connect.
        let mut conn = Box::pin(SqliteConnection::connect_with(&self.opts)).await?;
        let deadline_ms = Arc::new(AtomicU64::new(0));
        let cancelled = Arc::new(AtomicBool::new(false));
        {
            let (d, c) = (deadline_ms.clone(), cancelled.clone());
            let mut handle = conn.lock_handle().await?;
            handle.set_progress_handler(1000, move || {
                if c.load(Ordering::Relaxed) {
                    return false;
                }
                let deadline = d.load(Ordering::Relaxed);
                deadline == 0 || now_ms() < deadline
            });
        }
        Ok(SqliteConn {
            conn,
            deadline_ms,
            cancelled,
        })
    }

    async fn recycle(
        &self,
        c: &mut SqliteConn,
        _: &deadpool::managed::Metrics,
    ) -> deadpool::managed::RecycleResult<sqlx::Error> {
        if c.cancelled.load(Ordering::Relaxed) {
            return Err(deadpool::managed::RecycleError::message(
                "cancelled connection",
            ));
        }
        Ok(())
    }
}

/// Prepared statements kept per target connection (least recently used ones are closed).
const STATEMENT_CACHE: usize = 128;

/// The most memory SQLite may hold in this process (all its connections, the store's
/// included), in bytes: far above what a page cache, a sort or a result within its byte cap
/// needs.
const SQLITE_HEAP_LIMIT: u64 = 512 << 20;

impl Database {
    /// Build the pool and read the catalog. Fails if the database cannot be reached.
    pub async fn connect(
        opts: &DatabaseOptions,
        policies: Arc<PolicySet>,
    ) -> Result<Database, DbError> {
        let url = opts.url.expose();
        let timeout_ms = opts.statement_timeout.as_millis().max(1).to_string();
        let (dialect, pool, schemas) =
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                let base: PgConnectOptions = url.parse().map_err(|_| {
                    DbError::Unavailable(format!(
                        "database {}: the URL is not a valid PostgreSQL URL",
                        opts.name
                    ))
                })?;
                let pg = base
                    .application_name("sqlwarden")
                    .statement_cache_capacity(STATEMENT_CACHE)
                    .options([
                        ("default_transaction_read_only", "on"),
                        ("statement_timeout", timeout_ms.as_str()),
                        ("idle_in_transaction_session_timeout", "60000"),
                        ("standard_conforming_strings", "on"),
                        ("client_connection_check_interval", "1000"),
                        // LLVM compiling a large expression does not look at the statement
                        // timeout (a call ran 19.6 s against 5 s with it, 5.05 s without)
                        ("jit", "off"),
                    ])
                    // statements and their durations are the audit trail's business, not log
                    // lines carrying the SQL (sqlx logs slow statements at WARN by default)
                    .disable_statement_logging();
                let timeout_ms = opts.statement_timeout.as_millis().max(1) as u64;
                let pool = deadpool::managed::Pool::builder(PgManager {
                    opts: pg,
                    timeout_ms,
                    losses: AtomicU64::new(0),
                    checks: AtomicU64::new(0),
                })
                .max_size(opts.max_connections)
                .runtime(deadpool::Runtime::Tokio1)
                .wait_timeout(Some(Duration::from_secs(10)))
                .create_timeout(Some(opts.connect_timeout))
                .recycle_timeout(Some(Duration::from_secs(2)))
                .build()
                .map_err(|e| DbError::Internal(e.to_string()))?;
                let schemas = if opts.schemas.is_empty() {
                    vec!["public".to_string()]
                } else {
                    opts.schemas.clone()
                };
                (Dialect::Postgres, Pool::Postgres(pool), schemas)
            } else if url.starts_with("sqlite:") {
                let base: SqliteConnectOptions = url.parse().map_err(|_| {
                    DbError::Unavailable(format!(
                        "database {}: the URL is not a valid SQLite URL",
                        opts.name
                    ))
                })?;
                let lite = base
                    .read_only(true)
                    .create_if_missing(false)
                    .pragma("query_only", "1")
                    .pragma("trusted_schema", "0")
                    // SQLite runs in the server's process: what its statements and their
                    // result rows hold at once is bounded, so a statement that builds too
                    // much fails with "out of memory" instead of the server being killed (60
                    // columns of a 16 MiB string built from literals made 2 GB: a red-team
                    // finding). Process-wide; the first connection sets it.
                    .pragma("hard_heap_limit", SQLITE_HEAP_LIMIT.to_string())
                    .busy_timeout(Duration::from_secs(5))
                    .statement_cache_capacity(STATEMENT_CACHE)
                    // statements and their durations are the audit trail's business, not log
                    // lines carrying the SQL (sqlx logs slow statements at WARN by default)
                    .disable_statement_logging();
                let pool = deadpool::managed::Pool::builder(SqliteManager { opts: lite })
                    .max_size(opts.max_connections)
                    .runtime(deadpool::Runtime::Tokio1)
                    .wait_timeout(Some(Duration::from_secs(10)))
                    .create_timeout(Some(opts.connect_timeout))
                    .build()
                    .map_err(|e| DbError::Internal(e.to_string()))?;
                (
                    Dialect::Sqlite,
                    Pool::Sqlite(pool),
                    vec!["main".to_string()],
                )
            } else {
                return Err(DbError::Unavailable(format!(
                    "database {}: unsupported URL scheme (use postgres:// or sqlite:)",
                    opts.name
                )));
            };
        let db = Database {
            name: opts.name.clone(),
            dialect,
            pool,
            schema: SchemaCell(std::sync::RwLock::new(Arc::new(DbSchema {
                catalog: Catalog::new(dialect, schemas.clone(), vec![]),
                ..Default::default()
            }))),
            policies: std::sync::RwLock::new(policies),
            compile: std::sync::Mutex::new(()),
            catalog_ready: AtomicBool::new(false),
            statement_timeout: opts.statement_timeout,
            background: tokio_util::task::TaskTracker::new(),
            param_types: super::params::inferred_types(),
        };
        match db.refresh_catalog().await {
            Ok(()) => {}
            // A database that is down at start is not fatal: calls answer `unavailable`
            // until it comes back, and the catalog is read then.
            Err(DbError::Unavailable(reason)) => {
                tracing::warn!(database = %db.name, %reason, "database unavailable at start; will retry on use");
            }
            Err(e) => return Err(e),
        }
        Ok(db)
    }

    /// Re-read the catalog from the database.
    pub async fn refresh_catalog(&self) -> Result<(), DbError> {
        let schemas = self.schema.load().catalog.schemas().to_vec();
        let catalog = super::schema::load_catalog(self, &schemas).await?;
        let version = super::schema::server_version(self).await.ok();
        let _compiling = self.compile.lock().unwrap_or_else(|p| p.into_inner());
        let current = self.schema.load();
        // Value hints depend on the catalog and the data: an unchanged catalog keeps them
        // (they expire on their own), a changed one starts afresh.
        let unchanged = current.catalog == catalog;
        let value_hints = if unchanged {
            current.value_hints.clone()
        } else {
            super::hints::HintCache::default()
        };
        let policies = self.policies();
        let same_policies = current
            .compiled_from
            .as_ref()
            .is_some_and(|p| Arc::ptr_eq(p, &policies));
        let generation = if unchanged && same_policies {
            current.generation
        } else {
            next_generation()
        };
        let next = self.compiled(
            &policies,
            Some(policies.clone()),
            catalog,
            version,
            value_hints,
            generation,
        );
        for e in &next.errors {
            tracing::warn!(database = %self.name, "policy: {e}");
        }
        self.schema.store(next);
        self.catalog_ready.store(true, Ordering::Release);
        Ok(())
    }

    /// Every role of `policies` compiled against `catalog`.
    fn compiled(
        &self,
        policies: &PolicySet,
        from: Option<Arc<PolicySet>>,
        catalog: Catalog,
        version: Option<String>,
        value_hints: super::hints::HintCache,
        generation: u64,
    ) -> DbSchema {
        let mut next = DbSchema {
            catalog,
            version,
            value_hints,
            generation,
            compiled_from: from,
            ..Default::default()
        };
        for role in policies.roles.values() {
            match crate::sql::compile(role, &self.name, self.dialect, &next.catalog) {
                Ok(c) => {
                    next.unmatched.extend(c.unmatched);
                    next.roles.insert(role.name.clone(), Arc::new(c.role));
                }
                Err(mut errors) => next.errors.append(&mut errors),
            }
        }
        next
    }

    /// `policies` compiled against the current catalog, without storing anything: what a
    /// reload would make of this database (errors and unmatched rules included).
    pub fn trial(&self, policies: &PolicySet) -> DbSchema {
        self.trial_of(policies, None)
    }

    /// [`Database::trial`], remembering `from` as the set compiled (when it is to be stored).
    fn trial_of(&self, policies: &PolicySet, from: Option<Arc<PolicySet>>) -> DbSchema {
        let current = self.schema.load();
        self.compiled(
            policies,
            from,
            current.catalog.clone(),
            current.version.clone(),
            super::hints::HintCache::default(),
            next_generation(),
        )
    }

    /// Replace the policies (reload): compile them against the current catalog and store both,
    /// or change nothing and return the errors. Value hints start afresh (they are per role).
    pub fn replace_policies(&self, policies: Arc<PolicySet>) -> Result<(), Vec<Diagnostic>> {
        let _compiling = self.compile.lock().unwrap_or_else(|p| p.into_inner());
        let next = self.trial_of(&policies, Some(policies.clone()));
        if !next.errors.is_empty() {
            return Err(next.errors);
        }
        match self.policies.write() {
            Ok(mut g) => *g = policies,
            Err(poisoned) => *poisoned.into_inner() = policies,
        }
        self.schema.store(next);
        Ok(())
    }

    /// Read the catalog if it has not been read yet.
    pub async fn ensure_catalog(&self) -> Result<(), DbError> {
        if self.catalog_ready.load(Ordering::Acquire) {
            return Ok(());
        }
        // Boxed: the introspection's future is large, and every call's future would carry
        // its size (and copy it) though nearly every call finds the catalog loaded.
        Box::pin(self.refresh_catalog()).await
    }

    /// The engine and its major version, as a model should be told it: `PostgreSQL 15`,
    /// `SQLite 3.46` (just the engine while the database has not been reached).
    pub fn engine(&self) -> String {
        let product = self.dialect.product();
        match self.schema.load().version.as_deref() {
            Some(v) if !v.is_empty() => format!("{product} {}", major_version(self.dialect, v)),
            _ => product.to_string(),
        }
    }

    /// The role policies this database compiles.
    pub fn policies(&self) -> Arc<PolicySet> {
        match self.policies.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn schemas(&self) -> Vec<String> {
        self.schema.load().catalog.schemas().to_vec()
    }

    /// Wait, at most `timeout`, for background work (backend cancels) to finish; true if done.
    pub async fn settle(&self, timeout: Duration) -> bool {
        self.background.close();
        tokio::time::timeout(timeout, self.background.wait())
            .await
            .is_ok()
    }

    /// The pool's figures now (size, in use, waiting), for metrics.
    pub fn pool_status(&self) -> deadpool::Status {
        match &self.pool {
            Pool::Postgres(p) => p.status(),
            Pool::Sqlite(p) => p.status(),
        }
    }

    /// PostgreSQL sessions checked (pinged) at checkout and found lost, since start; `None`
    /// for SQLite, whose local connections are never checked.
    pub fn session_checks(&self) -> Option<(u64, u64)> {
        match &self.pool {
            Pool::Postgres(p) => {
                let m = p.manager();
                Some((
                    m.checks.load(Ordering::Relaxed),
                    m.losses.load(Ordering::Relaxed),
                ))
            }
            Pool::Sqlite(_) => None,
        }
    }
}

/// The part of a version that decides which SQL works: PostgreSQL's major (`15`, or `9.6`
/// before 10), SQLite's `3.x`.
fn major_version(dialect: Dialect, version: &str) -> String {
    let parts: Vec<&str> = version.split('.').collect();
    let n = match (dialect, parts.first().and_then(|p| p.parse::<u32>().ok())) {
        (Dialect::Postgres, Some(major)) if major >= 10 => 1,
        _ => 2,
    };
    parts.iter().take(n).copied().collect::<Vec<_>>().join(".")
}

/// Map a connection-level failure to a safe message.
pub(crate) fn unavailable<E: std::fmt::Display>(e: deadpool::managed::PoolError<E>) -> DbError {
    use deadpool::managed::PoolError;
    match e {
        PoolError::Timeout(_) => DbError::Busy(
            "timed out waiting for a database connection (every connection is in use)".into(),
        ),
        PoolError::Backend(_) | PoolError::PostCreateHook(_) => {
            DbError::Unavailable("could not connect to the database".into())
        }
        PoolError::Closed | PoolError::NoRuntimeSpecified => {
            DbError::Unavailable("the connection pool is closed".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_versions() {
        assert_eq!(major_version(Dialect::Postgres, "15.4"), "15");
        assert_eq!(major_version(Dialect::Postgres, "17beta1"), "17beta1");
        assert_eq!(major_version(Dialect::Postgres, "9.6.24"), "9.6");
        assert_eq!(major_version(Dialect::Sqlite, "3.46.0"), "3.46");
    }
}

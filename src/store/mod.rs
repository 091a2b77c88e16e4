//! The governance store: what sqlwarden itself keeps (tokens now, the audit trail next), in a
//! SQLite file by default or in PostgreSQL when several replicas share it.
//!
//! Input: a store URL (`sqlite://PATH` or `postgres://...`). Output: a [`Store`] whose schema is
//! migrated to this binary's version (migrations in `migrations/{sqlite,postgres}/`, embedded),
//! and the fixed statements of each record kind (`store/tokens.rs`).
//!
//! Must never log or echo the URL (it may hold a password): errors name the store by
//! [`Store::location`], a path or `host:port/database` without credentials. All of sqlwarden's
//! own SQL lives here; the target databases are only ever reached through `db/`.

#[allow(clippy::disallowed_methods)]
mod audit;
mod audit_file;
#[allow(clippy::disallowed_methods)]
pub(crate) mod tokens;

pub use audit::{AuditConn, AuditFilter, AuditHead};
pub use audit_file::FileAppender;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Everything that can go wrong opening or using the governance store. No variant carries the
/// store URL or any secret.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the governance store URL must start with sqlite:// or postgres://")]
    UnsupportedScheme,
    #[error("the governance store URL is not valid")]
    InvalidUrl(#[source] sqlx::Error),
    #[error("cannot create the directory {} for the governance store", .path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create the governance store file {}", .path.display())]
    CreateFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the governance store at {location}")]
    Connect {
        location: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the governance store at {location}")]
    Migrate {
        location: String,
        #[source]
        source: MigrateError,
    },
    #[error(
        "the governance store at {location} was migrated by a newer sqlwarden (version {version}); upgrade sqlwarden (this one knows up to version {known})"
    )]
    TooNew {
        location: String,
        version: i64,
        known: i64,
    },
    #[error("governance store query failed")]
    Query(#[from] sqlx::Error),
    #[error("governance store query failed")]
    File(#[from] rusqlite::Error),
    #[error("token {id} has unreadable {field} in the governance store")]
    Corrupt { id: String, field: &'static str },
    #[error("no token with id {id}")]
    NoSuchToken { id: String },
    #[error("token {id} is revoked")]
    Revoked { id: String },
    #[error("cannot hash a token secret")]
    Hash(#[source] argon2::password_hash::Error),
    #[error("the system random number generator failed")]
    Random(#[source] getrandom::Error),
    #[error("a blocking task failed")]
    Blocking(#[source] tokio::task::JoinError),
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open, migrated governance store. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    location: String,
    /// A SQLite store's file and whether its commits are flushed (`synchronous = FULL`).
    file: Option<(PathBuf, bool)>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Open the store at `url` (`sqlite://PATH`, created with its directory if missing, or
    /// `postgres://...`) and apply any pending migrations. A store migrated by a newer
    /// sqlwarden is refused ([`StoreError::TooNew`]).
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = if let Some(rest) = strip_sqlite(url) {
            Self::open_sqlite(rest).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(url).await?
        } else {
            return Err(StoreError::UnsupportedScheme);
        };
        store.migrate().await?;
        Ok(store)
    }

    /// A SQLite store runs in WAL mode with `synchronous = NORMAL`: a commit survives a crash or
    /// kill of sqlwarden, and an OS crash or power loss can lose the last commits. With
    /// `?synchronous=full` in the URL every commit is also flushed to disk.
    async fn open_sqlite(rest: &str) -> Result<Store, StoreError> {
        let (file, query) = rest.split_once('?').unwrap_or((rest, ""));
        let path = Path::new(file);
        let full = query
            .split('&')
            .any(|kv| kv.eq_ignore_ascii_case("synchronous=full"));
        let synchronous = if full {
            SqliteSynchronous::Full
        } else {
            SqliteSynchronous::Normal
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let location = path.display().to_string();
        create_private(path).map_err(|source| StoreError::CreateFile {
            path: path.to_path_buf(),
            source,
        })?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .busy_timeout(Duration::from_secs(5));
        // A connection to a local file does not go stale: no ping before each use (the audit
        // writer takes one per batch).
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect {
                location: location.clone(),
                source,
            })?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
            location,
            file: Some((path.to_path_buf(), full)),
        })
    }

    async fn open_postgres(url: &str) -> Result<Store, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(StoreError::InvalidUrl)?;
        let location = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        );
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect {
                location: location.clone(),
                source,
            })?;
        Ok(Store {
            pool: Pool::Postgres(pool),
            location,
            file: None,
        })
    }

    /// For a SQLite store, an appender with a connection of its own, for the audit writer's
    /// thread ([`FileAppender`]); `None` for PostgreSQL.
    pub fn file_appender(&self) -> Option<FileAppender> {
        self.file
            .as_ref()
            .map(|(path, full)| FileAppender::new(path.clone(), *full, self.location.clone()))
    }

    /// Where the store is, safe to print: a file path or `host:port/database`.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The newest migration this binary knows for this store's backend. The backends number
    /// their migrations alike but need not have the same set: a change that only one of them
    /// needs is not a migration for the other, so replicas of an older sqlwarden sharing a
    /// PostgreSQL store keep starting (a store migrated beyond what a binary knows is refused).
    pub fn known_version(&self) -> i64 {
        let migrator = match &self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        migrator.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest migration applied to this store.
    pub async fn version(&self) -> Result<i64, StoreError> {
        let v = tokens::max_applied_version(&self.pool).await?;
        Ok(v.unwrap_or(0))
    }

    /// Apply pending migrations (idempotent; `open` already does it).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let (migrator, result) = match &self.pool {
            Pool::Sqlite(p) => {
                // SQLite has no migration lock: two servers starting on a new store both
                // migrate, and the one whose transaction commits second fails ("table already
                // exists"; a red-team finding). Each migration is one transaction, so the
                // loser changed nothing: run again, it finds the migrations applied.
                let mut result = SQLITE_MIGRATIONS.run(p).await;
                for _ in 0..3 {
                    if !matches!(
                        result,
                        Err(MigrateError::Execute(_) | MigrateError::ExecuteMigration(..))
                    ) {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                    result = SQLITE_MIGRATIONS.run(p).await;
                }
                (&SQLITE_MIGRATIONS, result)
            }
            Pool::Postgres(p) => (&POSTGRES_MIGRATIONS, POSTGRES_MIGRATIONS.run(p).await),
        };
        let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        match result {
            Ok(()) => Ok(()),
            Err(MigrateError::VersionMissing(version)) if version > known => {
                Err(StoreError::TooNew {
                    location: self.location.clone(),
                    version: tokens::max_applied_version(&self.pool)
                        .await
                        .ok()
                        .flatten()
                        .unwrap_or(version),
                    known,
                })
            }
            Err(source) => Err(StoreError::Migrate {
                location: self.location.clone(),
                source,
            }),
        }
    }
}

fn strip_sqlite(url: &str) -> Option<&str> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
}

/// The default store URL: `sqlite://$XDG_DATA_HOME/sqlwarden/store.db`, falling back to
/// `~/.local/share/sqlwarden/store.db`. `None` when neither variable is set.
pub fn default_url(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let base = env("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| Path::new(&h).join(".local/share"))
        })?;
    Some(format!(
        "sqlite://{}",
        base.join("sqlwarden").join("store.db").display()
    ))
}

/// Two store/database URLs name the same database (SQLite: the same path, whatever the prefix).
pub fn same_database(a: &str, b: &str) -> bool {
    let norm = |u: &str| -> String {
        match strip_sqlite(u) {
            Some(rest) => {
                let path = rest.split('?').next().unwrap_or(rest);
                format!("sqlite:{}", path.trim_start_matches("./"))
            }
            None => u.trim_end_matches('/').to_string(),
        }
    };
    norm(a) == norm(b)
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Create a store file readable by its owner only (the audit trail holds SQL text and
/// principals; SQLite gives the `-wal` and `-shm` files the same mode). An existing file is
/// left as it is: its mode is the operator's.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_url_prefers_xdg() {
        let env = |k: &str| match k {
            "XDG_DATA_HOME" => Some("/x".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(
            default_url(&env).as_deref(),
            Some("sqlite:///x/sqlwarden/store.db")
        );
        let env = |k: &str| (k == "HOME").then(|| "/h".to_string());
        assert_eq!(
            default_url(&env).as_deref(),
            Some("sqlite:///h/.local/share/sqlwarden/store.db")
        );
    }

    #[test]
    fn same_database_normalizes_sqlite() {
        assert!(same_database("sqlite://a.db", "sqlite:a.db?mode=ro"));
        assert!(!same_database("sqlite://a.db", "sqlite://b.db"));
        assert!(same_database("postgres://h/db", "postgres://h/db/"));
    }

    #[tokio::test]
    async fn opens_and_migrates_a_new_sqlite_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/store.db");
        let url = format!("sqlite://{}", path.display());
        let store = Store::open(&url).await.unwrap();
        assert!(path.exists());
        assert_eq!(store.version().await.unwrap(), store.known_version());
        // The audit trail holds SQL text and principals: the owner's alone, and so are the
        // files SQLite keeps beside it.
        #[cfg(unix)]
        for file in ["store.db", "store.db-wal", "store.db-shm"] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path.with_file_name(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
        // Opening again is idempotent.
        Store::open(&url).await.unwrap();
        assert!(matches!(
            Store::open("mysql://x").await,
            Err(StoreError::UnsupportedScheme)
        ));
    }
}

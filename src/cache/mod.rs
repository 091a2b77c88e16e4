//! Caches on the governed-call path, keyed so that sharing nothing is always correct.
//!
//! - [`ResultCache`]: rows of a governed statement, for a role whose `cache_ttl` is above zero.
//!   The key holds everything that decides which rows come back: the database, the generation
//!   of its catalog compiled with the policy set (a new catalog or a policy reload makes old
//!   entries unreachable), the role, the governed SQL as sent to the database, every bound
//!   parameter (the caller's attribute values included, so two principals of one role with
//!   different regions never share an entry) and the row and byte caps. Entries are weighed by
//!   their size and bounded by `[cache] max_bytes`; each lives for its role's `cache_ttl`.
//!   Identical misses running at once run the statement once. Errors are never cached.
//! - [`DecisionCache`]: governance decisions for repeated statements, so a repeated call skips
//!   parsing and analysis. Keyed by everything governance reads (see [`DecisionKey`]).
//!
//! Neither cache decides anything: a hit returns what the same governed path produced for the
//! same key. Both are per process (replicas share nothing, which is always correct).

mod decision;

pub(crate) use decision::{DecisionCache, DecisionKey};

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::db::{DbError, RowSet};

/// What decides a cached result: see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ResultKey {
    pub database: String,
    pub generation: u64,
    pub role: String,
    pub sql: String,
    /// Every bound parameter, as JSON text (the caller's and the attribute values).
    pub params: String,
    pub max_rows: u64,
    pub max_bytes: u64,
}

/// A cached result and when it was read from the database.
#[derive(Debug)]
pub(crate) struct CachedRows {
    pub rows: RowSet,
    stored: Instant,
    ttl: Duration,
    weight: u32,
}

impl CachedRows {
    /// How long ago the rows were read.
    pub(crate) fn age(&self) -> Duration {
        self.stored.elapsed()
    }
}

/// Rows as served: fresh from the database, or from the cache with their age.
pub(crate) struct Served {
    pub rows: Arc<CachedRows>,
    /// `Some(age)` when the rows came from the cache.
    pub cached: Option<Duration>,
}

impl Served {
    /// Rows read just now, not cached.
    pub(crate) fn fresh(rows: RowSet) -> Served {
        Served {
            rows: Arc::new(CachedRows {
                rows,
                stored: Instant::now(),
                ttl: Duration::ZERO,
                weight: 0,
            }),
            cached: None,
        }
    }

    /// The rows, copied only when the cache holds them too.
    pub(crate) fn into_rows(self) -> RowSet {
        Arc::try_unwrap(self.rows).map_or_else(|shared| shared.rows.clone(), |c| c.rows)
    }
}

/// Each entry expires after its own role's TTL.
struct PerEntryTtl;

impl moka::Expiry<ResultKey, Arc<CachedRows>> for PerEntryTtl {
    fn expire_after_create(
        &self,
        _key: &ResultKey,
        value: &Arc<CachedRows>,
        _created_at: std::time::Instant,
    ) -> Option<Duration> {
        Some(value.ttl)
    }
}

/// The result cache of one process.
#[derive(Clone)]
pub(crate) struct ResultCache {
    entries: Option<moka::future::Cache<ResultKey, Arc<CachedRows>>>,
}

impl ResultCache {
    /// A cache holding up to `max_bytes` of results (0: none is cached).
    pub(crate) fn new(max_bytes: u64) -> ResultCache {
        let entries = (max_bytes > 0).then(|| {
            moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_key: &ResultKey, value: &Arc<CachedRows>| value.weight)
                .expire_after(PerEntryTtl)
                .build()
        });
        ResultCache { entries }
    }

    /// The rows for `key`: from the cache while an entry lives, else from `run` (once for all
    /// identical calls waiting at the same time), cached for `ttl` when it succeeds. A zero
    /// `ttl` or a disabled cache just runs it.
    pub(crate) async fn get_or_run<F>(
        &self,
        key: ResultKey,
        ttl: Duration,
        run: F,
    ) -> Result<Served, DbError>
    where
        F: Future<Output = Result<RowSet, DbError>>,
    {
        let fresh = |rows: RowSet, ttl: Duration| {
            Arc::new(CachedRows {
                weight: weight(&key, &rows),
                rows,
                stored: Instant::now(),
                ttl,
            })
        };
        let Some(entries) = self.entries.as_ref().filter(|_| !ttl.is_zero()) else {
            let rows = run.await?;
            return Ok(Served {
                rows: fresh(rows, ttl),
                cached: None,
            });
        };
        let init = async { run.await.map(|rows| fresh(rows, ttl)) };
        match entries.entry(key.clone()).or_try_insert_with(init).await {
            Ok(entry) if entry.is_fresh() => Ok(Served {
                rows: entry.into_value(),
                cached: None,
            }),
            Ok(entry) => {
                let rows = entry.into_value();
                Ok(Served {
                    cached: Some(rows.age()),
                    rows,
                })
            }
            Err(shared) => Err(Arc::unwrap_or_clone(shared)),
        }
    }
}

/// An entry's weight: an estimate of the bytes it holds.
fn weight(key: &ResultKey, rows: &RowSet) -> u32 {
    fn value_size(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::String(s) => 24 + s.len(),
            serde_json::Value::Array(a) => 24 + a.iter().map(value_size).sum::<usize>(),
            serde_json::Value::Object(o) => {
                48 + o
                    .iter()
                    .map(|(k, v)| k.len() + value_size(v))
                    .sum::<usize>()
            }
            _ => 16,
        }
    }
    let columns: usize = rows
        .columns
        .iter()
        .map(|c| 64 + c.name.len() + c.type_name.len())
        .sum();
    let cells: usize = rows
        .rows
        .iter()
        .map(|r| 24 + r.iter().map(value_size).sum::<usize>())
        .sum();
    let total = 128 + key.sql.len() + key.params.len() + key.database.len() + columns + cells;
    u32::try_from(total).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(sql: &str, params: &str) -> ResultKey {
        ResultKey {
            database: "main".into(),
            generation: 1,
            role: "analyst".into(),
            sql: sql.into(),
            params: params.into(),
            max_rows: 10,
            max_bytes: 1000,
        }
    }

    fn rows(n: i64) -> RowSet {
        RowSet {
            columns: vec![],
            rows: vec![vec![n.into()]],
            truncated: false,
            truncated_by: None,
        }
    }

    #[tokio::test]
    async fn hits_misses_errors_and_single_flight() {
        let cache = ResultCache::new(1 << 20);
        let ttl = Duration::from_secs(60);
        let first = cache
            .get_or_run(key("SELECT 1", "[]"), ttl, async { Ok(rows(1)) })
            .await
            .expect("runs");
        assert!(first.cached.is_none());
        let again = cache
            .get_or_run(key("SELECT 1", "[]"), ttl, async { Ok(rows(2)) })
            .await
            .expect("hit");
        assert!(again.cached.is_some());
        assert_eq!(again.rows.rows.rows[0][0], 1, "served from the cache");
        // Another parameter is another entry.
        let other = cache
            .get_or_run(key("SELECT 1", "[\"south\"]"), ttl, async { Ok(rows(3)) })
            .await
            .expect("runs");
        assert!(other.cached.is_none());
        assert_eq!(other.rows.rows.rows[0][0], 3);
        // Errors are not cached.
        let failed = cache
            .get_or_run(key("SELECT 2", "[]"), ttl, async {
                Err(DbError::Unavailable("down".into()))
            })
            .await;
        assert!(failed.is_err());
        let after = cache
            .get_or_run(key("SELECT 2", "[]"), ttl, async { Ok(rows(4)) })
            .await
            .expect("runs");
        assert!(after.cached.is_none(), "the error left no entry");
        // A zero TTL never caches.
        for n in [5, 6] {
            let r = cache
                .get_or_run(
                    key("SELECT 3", "[]"),
                    Duration::ZERO,
                    async move { Ok(rows(n)) },
                )
                .await
                .expect("runs");
            assert!(r.cached.is_none());
            assert_eq!(r.rows.rows.rows[0][0], n);
        }
        // Identical misses at once run the statement once.
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let calls = (0..8).map(|_| {
            let runs = runs.clone();
            let cache = cache.clone();
            async move {
                cache
                    .get_or_run(key("SELECT 4", "[]"), ttl, async move {
                        runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(rows(7))
                    })
                    .await
            }
        });
        let results = futures_util::future::join_all(calls).await;
        assert!(results.iter().all(|r| r.is_ok()));
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}

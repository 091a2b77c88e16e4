//! Bearer tokens: `swd_<id>_<secret>`, issued by `sqlwarden token create`, checked per request.
//!
//! Input: a bearer string. Output: the [`Principal`] it stands for, or [`AuthError`].
//!
//! - `id` is 12 lowercase hex characters (public: `token list` shows it, lookups use it, so one
//!   presented token costs at most one argon2 verification, two during a rotation grace);
//!   `secret` is 32 random bytes as 64 lowercase hex.
//! - The store keeps only an argon2id PHC hash of the secret, with OWASP's parameters
//!   (m = 19456 KiB, t = 2, p = 1). Hashing and verifying run on `spawn_blocking`; at most one
//!   verification per CPU runs at once, so a flood of wrong secrets cannot exhaust memory.
//!   An unknown id is refused without any argon2 work (ids are not secret).
//! - Every client-side failure (malformed, unknown id, wrong secret, expired, revoked) is the
//!   same [`AuthError::Invalid`]; only an unreachable store is different.
//! - Successful verifications are cached for [`CACHE_TTL`] (10 s) under a keyed BLAKE3 hash of
//!   the whole token (random key per process; the token itself is never a key). The cached
//!   entry keeps the token's expiry and is checked on every hit. Revoking or rotating in this
//!   process clears the cache at once; **another replica keeps accepting a revoked or rotated
//!   secret for at most `CACHE_TTL`**: that is the documented bound for revocation across
//!   replicas.
//! - `last_used_at` is written at most once per [`TOUCH_EVERY`] per token.
//!
//! Must never put a token, a secret or a hash into a log, an error or `Debug` output.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use argon2::password_hash::phc::Output;
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher, Version};
use serde::Serialize;

use super::Principal;
use crate::store::tokens::{self as sql, TokenRow};
use crate::store::{Store, StoreError, now};

/// How long a successful verification is trusted without asking the store again. Bounds how
/// long another replica accepts a token revoked or rotated elsewhere.
pub const CACHE_TTL: Duration = Duration::from_secs(10);
/// `last_used_at` is updated at most this often per token.
pub const TOUCH_EVERY: Duration = Duration::from_secs(60);

const PREFIX: &str = "swd_";
const ID_HEX: usize = 12;
const SECRET_BYTES: usize = 32;

/// Argon2id with OWASP's recommended parameters: 19456 KiB of memory, 2 passes, 1 lane.
const ARGON2_M_KIB: u32 = 19_456;
const ARGON2_T: u32 = 2;
const ARGON2_P: u32 = 1;

/// Why a bearer token was not accepted. The client learns nothing more than `Invalid`.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown, malformed, wrong secret, expired or revoked: deliberately one answer.
    #[error("invalid token")]
    Invalid,
    /// The governance store could not be asked.
    #[error("the token store is unavailable")]
    Unavailable(#[source] StoreError),
}

/// A token's lifecycle state as `token list` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl std::fmt::Display for TokenState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TokenState::Active => "active",
            TokenState::Expired => "expired",
            TokenState::Revoked => "revoked",
        })
    }
}

/// What may be shown about a token: never its secret or hash. Times are unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub principal: String,
    pub role: String,
    pub attrs: BTreeMap<String, String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub state: TokenState,
}

/// A verified principal as cached: the expiry travels with it and is checked on every hit.
#[derive(Clone)]
struct Cached {
    principal: Principal,
    id: String,
    valid_until: Option<i64>,
}

impl Cached {
    fn is_live(&self, now: i64) -> bool {
        self.valid_until.is_none_or(|t| now < t)
    }
}

struct Inner {
    store: Store,
    cache_key: [u8; 32],
    verified: moka::future::Cache<[u8; 32], Cached>,
    touched: moka::future::Cache<String, ()>,
    /// Bounds concurrent argon2 verifications (19 MiB each) to one per CPU: a flood of wrong
    /// secrets for a known id queues here instead of filling the blocking pool and memory. The
    /// verification itself holds its permit (see `check`).
    argon2_slots: Arc<tokio::sync::Semaphore>,
    /// One verification at a time per presented token (keyed as the cache): requests that
    /// bring the same token while it is checked wait for that check and then find it cached,
    /// instead of each running argon2 (500 at once with one valid token took both slots for
    /// 14 s and locked every other token out, a red-team finding).
    in_flight: std::sync::Mutex<HashMap<[u8; 32], Arc<tokio::sync::Mutex<()>>>>,
}

/// A request's place in the line of one presented token's verifications; the line is
/// forgotten when its last request is done or dropped.
struct Gate<'a> {
    inner: &'a Inner,
    key: [u8; 32],
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl<'a> Gate<'a> {
    fn new(inner: &'a Inner, key: [u8; 32]) -> Self {
        let lock = Arc::clone(lock_map(inner).entry(key).or_default());
        Gate { inner, key, lock }
    }
}

impl Drop for Gate<'_> {
    fn drop(&mut self) {
        let mut map = lock_map(self.inner);
        // The map's and this request's: no one else waits.
        if Arc::strong_count(&self.lock) == 2 {
            map.remove(&self.key);
        }
    }
}

fn lock_map(
    inner: &Inner,
) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Arc<tokio::sync::Mutex<()>>>> {
    inner
        .in_flight
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Token issuing and verification over the governance store. Cheap to clone.
#[derive(Clone)]
pub struct Tokens {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("store", &self.inner.store)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    pub fn new(store: Store) -> Result<Tokens, StoreError> {
        let mut cache_key = [0u8; 32];
        getrandom::fill(&mut cache_key).map_err(StoreError::Random)?;
        Ok(Tokens {
            inner: Arc::new(Inner {
                store,
                cache_key,
                verified: moka::future::Cache::builder()
                    .max_capacity(100_000)
                    .time_to_live(CACHE_TTL)
                    .build(),
                touched: moka::future::Cache::builder()
                    .max_capacity(100_000)
                    .time_to_live(TOUCH_EVERY)
                    .build(),
                argon2_slots: Arc::new(tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(2, |n| n.get()),
                )),
                in_flight: std::sync::Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Issue a token. Returns its description and the whole token, which is shown once and
    /// never stored.
    pub async fn create(
        &self,
        principal: &str,
        role: &str,
        attrs: BTreeMap<String, String>,
        expires_in: Option<Duration>,
    ) -> Result<(TokenInfo, String), StoreError> {
        let created = now();
        let expires_at = expires_in.map(|d| created.saturating_add(secs(d)));
        self.create_at(principal, role, attrs, created, expires_at)
            .await
    }

    /// `create` with an absolute expiry (unix seconds), which may be in the past (tests).
    pub(crate) async fn create_at(
        &self,
        principal: &str,
        role: &str,
        attrs: BTreeMap<String, String>,
        created_at: i64,
        expires_at: Option<i64>,
    ) -> Result<(TokenInfo, String), StoreError> {
        let id = hex::encode(random::<{ ID_HEX / 2 }>()?);
        let secret = hex::encode(random::<SECRET_BYTES>()?);
        let row = TokenRow {
            id: id.clone(),
            principal: principal.to_string(),
            role: role.to_string(),
            attrs: serde_json::to_string(&attrs).unwrap_or_else(|_| "{}".into()),
            secret_hash: hash(secret.clone()).await?,
            previous_hash: None,
            previous_valid_until: None,
            created_at,
            expires_at,
            last_used_at: None,
            revoked_at: None,
        };
        sql::insert(&self.inner.store.pool, &row).await?;
        let token = format!("{PREFIX}{id}_{secret}");
        Ok((info(row, now())?, token))
    }

    /// Every token, oldest first: descriptions only.
    pub async fn list(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let t = now();
        sql::list(&self.inner.store.pool)
            .await?
            .into_iter()
            .map(|row| info(row, t))
            .collect()
    }

    /// Give token `id` a new secret. The old secret keeps working until now + `grace`
    /// (`grace` 0: it stops at once). Refused for a revoked token.
    pub async fn rotate(
        &self,
        id: &str,
        grace: Duration,
    ) -> Result<(TokenInfo, String), StoreError> {
        let pool = &self.inner.store.pool;
        let Some(row) = sql::get(pool, id).await? else {
            return Err(StoreError::NoSuchToken { id: id.into() });
        };
        if row.revoked_at.is_some() {
            return Err(StoreError::Revoked { id: id.into() });
        }
        let secret = hex::encode(random::<SECRET_BYTES>()?);
        let new_hash = hash(secret.clone()).await?;
        let until = (!grace.is_zero()).then(|| now().saturating_add(secs(grace)));
        if !sql::rotate(pool, id, &new_hash, until).await? {
            return Err(StoreError::Revoked { id: id.into() });
        }
        self.inner.verified.invalidate_all();
        let row = sql::get(pool, id)
            .await?
            .ok_or_else(|| StoreError::NoSuchToken { id: id.into() })?;
        let token = format!("{PREFIX}{}_{secret}", row.id);
        Ok((info(row, now())?, token))
    }

    /// Revoke token `id` (false: no such token). Takes effect in this process at once.
    pub async fn revoke(&self, id: &str) -> Result<bool, StoreError> {
        let found = sql::revoke(&self.inner.store.pool, id, now()).await?;
        self.inner.verified.invalidate_all();
        Ok(found)
    }

    /// The principal of a bearer token verified within the last [`CACHE_TTL`], without
    /// touching the store or hashing: `None` when it has to be verified in full.
    pub async fn verified(&self, bearer: &str) -> Option<Result<Principal, AuthError>> {
        let key = self.cache_key(bearer);
        let hit = self.inner.verified.get(&key).await?;
        let t = now();
        if hit.is_live(t) {
            crate::telemetry::metrics::token_verified(true);
            self.touch(&hit.id, t).await;
            return Some(Ok(hit.principal));
        }
        self.inner.verified.invalidate(&key).await;
        Some(Err(AuthError::Invalid))
    }

    fn cache_key(&self, bearer: &str) -> [u8; 32] {
        *blake3::keyed_hash(&self.inner.cache_key, bearer.as_bytes()).as_bytes()
    }

    /// The principal a bearer token stands for.
    pub async fn verify(&self, bearer: &str) -> Result<Principal, AuthError> {
        self.verify_noting(bearer, &AtomicBool::new(false)).await
    }

    /// [`Self::verify`], setting `hashing` once this request's own argon2 verification has
    /// begun (it then runs to its end even if the request is dropped; see `check`).
    pub async fn verify_noting(
        &self,
        bearer: &str,
        hashing: &AtomicBool,
    ) -> Result<Principal, AuthError> {
        let (id, secret) = parse(bearer).ok_or(AuthError::Invalid)?;
        if let Some(answer) = self.verified(bearer).await {
            return answer;
        }
        let gate = Gate::new(&self.inner, self.cache_key(bearer));
        let _turn = gate.lock.lock().await;
        // Checked by the request this one waited for, if that one succeeded.
        match self.verified(bearer).await {
            Some(answer) => answer,
            None => self.verify_in_store(bearer, id, secret, hashing).await,
        }
    }

    async fn verify_in_store(
        &self,
        bearer: &str,
        id: &str,
        secret: &str,
        hashing: &AtomicBool,
    ) -> Result<Principal, AuthError> {
        let t = now();
        let row = sql::get(&self.inner.store.pool, id)
            .await
            .map_err(AuthError::Unavailable)?
            .ok_or(AuthError::Invalid)?;
        if row.revoked_at.is_some() || row.expires_at.is_some_and(|e| e <= t) {
            return Err(AuthError::Invalid);
        }
        let (valid_until, matched) = if self.check(secret, &row.secret_hash, hashing).await? {
            (row.expires_at, &row.secret_hash)
        } else {
            match (&row.previous_hash, row.previous_valid_until) {
                (Some(prev), Some(until))
                    if t < until && self.check(secret, prev, hashing).await? =>
                {
                    (Some(row.expires_at.map_or(until, |e| e.min(until))), prev)
                }
                _ => return Err(AuthError::Invalid),
            }
        };
        // The check may have waited long for its argon2 slot (behind a flood of guesses): a
        // revocation or rotation meanwhile must hold, so the row is read again (a token revoked
        // while its check waited was accepted 44 s later, a red-team finding).
        let now_row = sql::get(&self.inner.store.pool, id)
            .await
            .map_err(AuthError::Unavailable)?
            .ok_or(AuthError::Invalid)?;
        let t = now();
        let still = now_row.revoked_at.is_none()
            && now_row.expires_at.is_none_or(|e| e > t)
            && (now_row.secret_hash == *matched
                || (now_row.previous_hash.as_deref() == Some(matched.as_str())
                    && now_row.previous_valid_until.is_some_and(|u| t < u)));
        if !still {
            return Err(AuthError::Invalid);
        }
        let attrs: BTreeMap<String, String> = serde_json::from_str(&row.attrs).map_err(|_| {
            AuthError::Unavailable(StoreError::Corrupt {
                id: row.id.clone(),
                field: "attrs",
            })
        })?;
        let principal = Principal {
            name: row.principal,
            role: row.role,
            attrs,
            token_id: Some(row.id.clone()),
        };
        let cached = Cached {
            principal: principal.clone(),
            id: row.id,
            valid_until,
        };
        self.touch(&cached.id, t).await;
        self.inner
            .verified
            .insert(self.cache_key(bearer), cached)
            .await;
        Ok(principal)
    }

    /// Does `secret` match the PHC string `phc`? (argon2 compares in constant time.) At most
    /// one verification per CPU runs at a time.
    async fn check(
        &self,
        secret: &str,
        phc: &str,
        hashing: &AtomicBool,
    ) -> Result<bool, AuthError> {
        // The permit moves into the blocking task: a request dropped while argon2 runs (the
        // client hung up) used to free its slot at once while its 19 MiB verification went on,
        // so hanging up after each guess ran any number of them at a time (2.8 GB in a
        // red-team run).
        let slot = Arc::clone(&self.inner.argon2_slots)
            .acquire_owned()
            .await
            .map_err(|_| AuthError::Invalid)?;
        hashing.store(true, Ordering::Relaxed);
        crate::telemetry::metrics::token_verified(false);
        let secret = secret.to_string();
        let phc = phc.to_string();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            verify(secret.as_bytes(), &phc)
        })
        .await
        .map_err(|e| AuthError::Unavailable(StoreError::Blocking(e)))
    }

    /// Record use, at most once per `TOUCH_EVERY` per token; a failure only loses the mark.
    async fn touch(&self, id: &str, t: i64) {
        if self.inner.touched.contains_key(id) {
            return;
        }
        self.inner.touched.insert(id.to_string(), ()).await;
        if let Err(e) = sql::touch(&self.inner.store.pool, id, t).await {
            tracing::warn!(token_id = id, error = %e, "cannot record token use");
        }
    }
}

/// `swd_<12 hex>_<64 hex>` -> (id, secret); lowercase hex only.
fn parse(bearer: &str) -> Option<(&str, &str)> {
    let rest = bearer.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let hex = |s: &str, n: usize| {
        s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    (hex(id, ID_HEX) && hex(secret, SECRET_BYTES * 2)).then_some((id, secret))
}

/// Bytes reserved for a verification's memory: more than glibc's largest dynamic mmap threshold
/// (32 MiB on 64-bit), so the block always gets a mapping of its own, returned to the system
/// when it is freed. Argon2's own 19 MiB allocation did not: after the first was freed, glibc
/// raised its threshold above that size and served the next ones from the arena of whichever
/// blocking thread ran them, where they stayed (600 MB resident after two floods of wrong
/// secrets). Only the pages argon2 uses are ever touched.
const OWN_MAPPING: usize = 33 << 20;

/// Does `secret` hash to the argon2 PHC string `phc`? As `PasswordVerifier::verify_password`,
/// with memory of our own ([`OWN_MAPPING`]); the outputs are compared in constant time.
fn verify(secret: &[u8], phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(hash.algorithm.as_str()),
        Params::try_from(&hash),
    ) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let blocks = params.block_count();
    let mut memory: Vec<Block> = Vec::new();
    if memory
        .try_reserve_exact(blocks.max(OWN_MAPPING / Block::SIZE))
        .is_err()
    {
        // (argon2's own allocation fails the same way, as an error rather than an abort)
        return false;
    }
    memory.resize(blocks, Block::new());
    let mut computed = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        secret,
        salt,
        &mut computed,
        memory.as_mut_slice(),
    );
    drop(memory);
    hashed.is_ok() && Output::new(&computed).is_ok_and(|c| &c == expected)
}

fn argon2() -> Result<Argon2<'static>, argon2::Error> {
    Ok(Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None)?,
    ))
}

/// argon2id PHC string of `secret`, with a fresh random salt, off the async threads.
async fn hash(secret: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        let hasher = argon2().map_err(|e| StoreError::Hash(e.into()))?;
        hasher
            .hash_password(secret.as_bytes())
            .map(|h| h.to_string())
            .map_err(StoreError::Hash)
    })
    .await
    .map_err(StoreError::Blocking)?
}

fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(StoreError::Random)?;
    Ok(b)
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

fn info(row: TokenRow, now: i64) -> Result<TokenInfo, StoreError> {
    let attrs = serde_json::from_str(&row.attrs).map_err(|_| StoreError::Corrupt {
        id: row.id.clone(),
        field: "attrs",
    })?;
    let state = if row.revoked_at.is_some() {
        TokenState::Revoked
    } else if row.expires_at.is_some_and(|e| e <= now) {
        TokenState::Expired
    } else {
        TokenState::Active
    };
    Ok(TokenInfo {
        id: row.id,
        principal: row.principal,
        role: row.role,
        attrs,
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
        state,
    })
}

#[cfg(test)]
mod tests;

//! The fixed statements behind `auth::token`: one row per token, hashes only.
//!
//! Input: rows and ids from `auth::token`. Output: [`TokenRow`]s. The same SQL text runs on
//! SQLite and PostgreSQL (`$N` placeholders, BIGINT unix seconds, attrs as JSON text).
//! Must never see a token secret: only its argon2id PHC hash.

use super::{Pool, StoreError};

/// One `tokens` row. No `Debug`: it holds hashes.
#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    pub(crate) id: String,
    pub(crate) principal: String,
    pub(crate) role: String,
    pub(crate) attrs: String,
    pub(crate) secret_hash: String,
    pub(crate) previous_hash: Option<String>,
    pub(crate) previous_valid_until: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) expires_at: Option<i64>,
    pub(crate) last_used_at: Option<i64>,
    pub(crate) revoked_at: Option<i64>,
}

const COLUMNS: &str = "id, principal, role, attrs, secret_hash, previous_hash, \
     previous_valid_until, created_at, expires_at, last_used_at, revoked_at";

/// Run the same statement on whichever pool the store has.
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

pub(crate) async fn insert(pool: &Pool, row: &TokenRow) -> Result<(), StoreError> {
    const SQL: &str = "INSERT INTO tokens (id, principal, role, attrs, secret_hash, previous_hash, \
         previous_valid_until, created_at, expires_at, last_used_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7, NULL, NULL)";
    on_pool!(pool, p => {
        sqlx::query(SQL)
            .bind(&row.id)
            .bind(&row.principal)
            .bind(&row.role)
            .bind(&row.attrs)
            .bind(&row.secret_hash)
            .bind(row.created_at)
            .bind(row.expires_at)
            .execute(p)
            .await?;
    });
    Ok(())
}

pub(crate) async fn list(pool: &Pool) -> Result<Vec<TokenRow>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tokens ORDER BY created_at, id"
    ));
    Ok(on_pool!(pool, p => sqlx::query_as::<_, TokenRow>(sql).fetch_all(p).await?))
}

pub(crate) async fn get(pool: &Pool, id: &str) -> Result<Option<TokenRow>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM tokens WHERE id = $1"));
    Ok(on_pool!(pool, p => sqlx::query_as::<_, TokenRow>(sql).bind(id).fetch_optional(p).await?))
}

/// Replace the secret hash; the old one stays valid until `previous_valid_until` (or not at
/// all when `None`). Returns false when no unrevoked token has this id.
pub(crate) async fn rotate(
    pool: &Pool,
    id: &str,
    new_hash: &str,
    previous_valid_until: Option<i64>,
) -> Result<bool, StoreError> {
    const SQL: &str = "UPDATE tokens SET \
         previous_hash = CASE WHEN $3 IS NULL THEN NULL ELSE secret_hash END, \
         previous_valid_until = $3, secret_hash = $2 \
         WHERE id = $1 AND revoked_at IS NULL";
    let n = on_pool!(pool, p => sqlx::query(SQL)
        .bind(id)
        .bind(new_hash)
        .bind(previous_valid_until)
        .execute(p)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// Mark revoked (once; a second revoke keeps the first time). False when there is no such id.
pub(crate) async fn revoke(pool: &Pool, id: &str, at: i64) -> Result<bool, StoreError> {
    const SQL: &str = "UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2), \
         previous_hash = NULL, previous_valid_until = NULL WHERE id = $1";
    let n = on_pool!(pool, p => sqlx::query(SQL)
        .bind(id)
        .bind(at)
        .execute(p)
        .await?
        .rows_affected());
    Ok(n == 1)
}

pub(crate) async fn touch(pool: &Pool, id: &str, at: i64) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE tokens SET last_used_at = $2 WHERE id = $1";
    on_pool!(pool, p => {
        sqlx::query(SQL).bind(id).bind(at).execute(p).await?;
    });
    Ok(())
}

/// The newest successfully applied migration, if the migrations table exists.
pub(crate) async fn max_applied_version(pool: &Pool) -> Result<Option<i64>, StoreError> {
    const SQL: &str = "SELECT MAX(version) FROM _sqlx_migrations WHERE success";
    Ok(on_pool!(pool, p => sqlx::query_scalar::<_, Option<i64>>(SQL).fetch_one(p).await?))
}

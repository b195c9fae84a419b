//! Server-side sessions. The cookie holds a random token; only its SHA-256 is stored,
//! so a database leak does not hand out live sessions.

use crate::local_reads::Param;
use crate::{Result, Store, Tx, flag};

#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub unit_id: i64,
    /// Password accepted, second factor still to come.
    pub mfa_pending: bool,
    pub created_at_us: i64,
    pub last_seen_us: i64,
}

pub async fn create(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    unit_id: i64,
    mfa_pending: bool,
) -> Result<()> {
    let now = dieuhanh_core::time::now_us();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, unit_id, mfa_pending, created_at_us, last_seen_us) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(unit_id)
    .bind(i64::from(mfa_pending))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The session with this hash, if any (a point read: every signed-in page asks).
pub async fn get(store: &Store, token_hash: &str) -> Result<Option<Session>> {
    store
        .point_read_one(
            "SELECT token_hash, user_id, unit_id, mfa_pending, created_at_us, last_seen_us \
             FROM sessions WHERE token_hash = $1",
            &[Param::Text(token_hash.to_string())],
            |r| {
                Ok(Session {
                    token_hash: r.get("token_hash")?,
                    user_id: r.get("user_id")?,
                    unit_id: r.get("unit_id")?,
                    mfa_pending: flag(r.get("mfa_pending")?),
                    created_at_us: r.get("created_at_us")?,
                    last_seen_us: r.get("last_seen_us")?,
                })
            },
        )
        .await
}

/// Records activity (for the idle timeout).
pub async fn touch(store: &Store, token_hash: &str, now_us: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    sqlx::query("UPDATE sessions SET last_seen_us = $1 WHERE token_hash = $2")
        .bind(now_us)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn delete_for_user(tx: &mut Tx, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes sessions idle or alive for longer than the limits.
pub async fn purge_expired(
    store: &Store,
    idle_before_us: i64,
    created_before_us: i64,
) -> Result<u64> {
    let mut tx = store.begin().await?;
    let done = sqlx::query("DELETE FROM sessions WHERE last_seen_us < $1 OR created_at_us < $2")
        .bind(idle_before_us)
        .bind(created_before_us)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Signs a user out everywhere except the session `keep` (hash).
pub async fn delete_others(tx: &mut Tx, user_id: i64, keep: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

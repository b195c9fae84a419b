//! The e-mail outbox: one row per notification to a person with an address. A sender
//! claims a row before sending it, so several server processes never send one twice;
//! a claim that was not completed (the process died) expires and the row is retried.

use crate::{Result, Store};
use sqlx::Row;

/// How long a claim holds before another sender may retry the row.
pub const CLAIM_MICROS: i64 = 10 * 60 * 1_000_000;
/// Attempts after which a row is left for an administrator to look at.
pub const MAX_ATTEMPTS: i64 = 5;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Mail {
    pub id: i64,
    pub unit_id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at_us: i64,
    pub sent_at_us: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

pub struct NewMail<'a> {
    pub unit_id: i64,
    pub user_id: i64,
    pub notification_id: i64,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Queues a mail for a notification (once: the notification is the key).
pub async fn enqueue(store: &Store, mail: &NewMail<'_>) -> Result<bool> {
    let mut tx = store.begin().await?;
    let done = sqlx::query(
        "INSERT INTO outbox (unit_id, user_id, notification_id, to_address, subject, body, created_at_us, attempts) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT (notification_id) DO NOTHING",
    )
    .bind(mail.unit_id)
    .bind(mail.user_id)
    .bind(mail.notification_id)
    .bind(mail.to_address)
    .bind(mail.subject)
    .bind(mail.body)
    .bind(dieuhanh_core::time::now_us())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

const COLUMNS: &str =
    "id, unit_id, to_address, subject, body, created_at_us, sent_at_us, attempts, last_error";

fn mail(r: &sqlx::any::AnyRow) -> Result<Mail> {
    Ok(Mail {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        to_address: r.try_get("to_address")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        created_at_us: r.try_get("created_at_us")?,
        sent_at_us: r.try_get("sent_at_us")?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
    })
}

/// Unsent mails that may be tried now (oldest first).
pub async fn due(store: &Store, now_us: i64, limit: i64) -> Result<Vec<Mail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox WHERE sent_at_us IS NULL AND attempts < $1 \
         AND (claimed_at_us IS NULL OR claimed_at_us < $2) ORDER BY id LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(MAX_ATTEMPTS)
        .bind(now_us - CLAIM_MICROS)
        .bind(limit)
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(mail).collect()
}

/// Claims a mail for sending; false when another sender holds or sent it.
pub async fn claim(store: &Store, id: i64, now_us: i64) -> Result<bool> {
    let mut tx = store.begin().await?;
    let done = sqlx::query(
        "UPDATE outbox SET claimed_at_us = $1, attempts = attempts + 1 WHERE id = $2 AND sent_at_us IS NULL \
         AND attempts < $3 AND (claimed_at_us IS NULL OR claimed_at_us < $4)",
    )
    .bind(now_us)
    .bind(id)
    .bind(MAX_ATTEMPTS)
    .bind(now_us - CLAIM_MICROS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Records the outcome of a claimed send: sent, or the error (the claim is released so
/// the next pass retries it).
pub async fn finish(store: &Store, id: i64, outcome: std::result::Result<(), &str>) -> Result<()> {
    let mut tx = store.begin().await?;
    match outcome {
        Ok(()) => {
            sqlx::query("UPDATE outbox SET sent_at_us = $1, last_error = NULL WHERE id = $2")
                .bind(dieuhanh_core::time::now_us())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        Err(error) => {
            sqlx::query("UPDATE outbox SET claimed_at_us = NULL, last_error = $1 WHERE id = $2")
                .bind(error.chars().take(1000).collect::<String>())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The newest mails, for the administrators' outbox page.
pub async fn recent(store: &Store, limit: i64) -> Result<(Vec<Mail>, i64)> {
    let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(store.reader())
        .await?;
    let unsent: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE sent_at_us IS NULL")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    Ok((rows.iter().map(mail).collect::<Result<_>>()?, unsent))
}

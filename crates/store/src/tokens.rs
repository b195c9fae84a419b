//! Bearer API tokens for integrations and the JSON API, stored as SHA-256 hashes.

use crate::audit::{AuditEvent, append};
use crate::local_reads::Param;
use crate::{Result, Store, Tx};
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub unit_id: i64,
    pub label: String,
    pub expires_at_us: i64,
}

pub async fn create(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    unit_id: i64,
    label: &str,
    expires_at_us: i64,
) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO api_tokens (token_hash, user_id, unit_id, label, created_at_us, expires_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(unit_id)
    .bind(label)
    .bind(dieuhanh_core::time::now_us())
    .bind(expires_at_us)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    append(
        tx,
        AuditEvent {
            unit_id,
            actor_id: Some(user_id),
            entity: "api_token",
            entity_id: id.to_string(),
            action: "api_token.create",
            summary: json!({"after": {"label": label}}),
        },
    )
    .await?;
    Ok(id)
}

/// The live token with this hash, if any (a point read: every API request asks).
pub async fn find_live(store: &Store, token_hash: &str, now_us: i64) -> Result<Option<ApiToken>> {
    store
        .point_read_one(
            "SELECT id, user_id, unit_id, label, expires_at_us FROM api_tokens \
             WHERE token_hash = $1 AND revoked = 0 AND expires_at_us > $2",
            &[Param::Text(token_hash.to_string()), Param::Int(now_us)],
            |r| {
                Ok(ApiToken {
                    id: r.get("id")?,
                    user_id: r.get("user_id")?,
                    unit_id: r.get("unit_id")?,
                    label: r.get("label")?,
                    expires_at_us: r.get("expires_at_us")?,
                })
            },
        )
        .await
}

pub async fn revoke_for_user(tx: &mut Tx, user_id: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

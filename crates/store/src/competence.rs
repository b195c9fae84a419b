//! Competence decisions (phân cấp, ủy quyền): stored whole as the core's
//! [`Decision`], with the instrument and validity as columns for listing. City reference
//! data; every change is audited.

use crate::audit::{AuditEvent, append};
use crate::{Result, Store, StoreError, Tx};
use dieuhanh_core::competence::Decision;
use serde_json::json;
use sqlx::Row;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("competence decision: {e}"))
}

/// Every decision, revoked ones included (they still explain the past).
pub async fn all(store: &Store) -> Result<Vec<Decision>> {
    let rows = sqlx::query("SELECT id, decision_json FROM competence_decisions ORDER BY id")
        .fetch_all(store.reader())
        .await?;
    rows.iter()
        .map(|r| {
            let text: String = r.try_get("decision_json")?;
            let mut d: Decision = serde_json::from_str(&text).map_err(corrupt)?;
            d.id = r.try_get("id")?;
            Ok(d)
        })
        .collect()
}

/// Records a checked decision; returns its id.
pub async fn add(tx: &mut Tx, d: &Decision, actor: i64, audit_unit: i64) -> Result<i64> {
    let text = serde_json::to_string(d).map_err(corrupt)?;
    let id: i64 = sqlx::query(
        "INSERT INTO competence_decisions (kind, instrument_number, instrument_date, signer, decision_json, \
         valid_from, valid_to, created_by, created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(d.kind.as_str())
    .bind(&d.instrument.number)
    .bind(d.instrument.signed.to_string())
    .bind(&d.instrument.signer)
    .bind(&text)
    .bind(d.valid_from.to_string())
    .bind(d.valid_to.map(|v| v.to_string()))
    .bind(actor)
    .bind(dieuhanh_core::time::now_us())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    append(
        tx,
        AuditEvent {
            unit_id: audit_unit,
            actor_id: Some(actor),
            entity: "competence_decision",
            entity_id: id.to_string(),
            action: "competence.add",
            summary: json!({"after": {"kind": d.kind.as_str(), "instrument": d.instrument.number,
                                      "from": d.from.label(), "to": d.to.label(),
                                      "valid_from": d.valid_from.to_string(),
                                      "valid_to": d.valid_to.map(|v| v.to_string())}}),
        },
    )
    .await?;
    Ok(id)
}

/// Revokes a decision from `effective` on (it stays on record for the past).
pub async fn revoke(
    tx: &mut Tx,
    id: i64,
    effective: jiff::civil::Date,
    actor: i64,
    audit_unit: i64,
) -> Result<()> {
    let row = sqlx::query(
        "SELECT decision_json FROM competence_decisions WHERE id = $1 AND revoked_at_us IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let text: String = row.try_get("decision_json")?;
    let mut d: Decision = serde_json::from_str(&text).map_err(corrupt)?;
    d.revoked = Some(effective);
    sqlx::query(
        "UPDATE competence_decisions SET decision_json = $1, revoked_at_us = $2 WHERE id = $3",
    )
    .bind(serde_json::to_string(&d).map_err(corrupt)?)
    .bind(dieuhanh_core::time::now_us())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    append(
        tx,
        AuditEvent {
            unit_id: audit_unit,
            actor_id: Some(actor),
            entity: "competence_decision",
            entity_id: id.to_string(),
            action: "competence.revoke",
            summary: json!({"after": {"revoked": effective.to_string()}}),
        },
    )
    .await?;
    Ok(())
}

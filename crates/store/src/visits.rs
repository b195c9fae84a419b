//! Leaders in charge of units, and the field visits they log.

use crate::audit::{AuditEvent, append};
use crate::{Result, Store, StoreError, Tx};
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize)]
pub struct LeaderAssignment {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub leader_id: i64,
    pub leader_name: String,
    pub since: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Visit {
    pub id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub leader_id: i64,
    pub leader_name: String,
    pub visit_date: String,
    pub findings: String,
    pub follow_up_item_id: Option<i64>,
}

pub async fn assign(
    tx: &mut Tx,
    unit_id: i64,
    leader_id: i64,
    since: &str,
    actor: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO unit_leaders (unit_id, leader_id, since) VALUES ($1, $2, $3)")
        .bind(unit_id)
        .bind(leader_id)
        .bind(since)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::from_insert(e, "this leader is already in charge of this unit"))?;
    audit(
        tx,
        unit_id,
        actor,
        "leader.assign",
        json!({"after": {"leader": leader_id, "since": since}}),
    )
    .await
}

pub async fn unassign(tx: &mut Tx, unit_id: i64, leader_id: i64, actor: i64) -> Result<()> {
    let done = sqlx::query("DELETE FROM unit_leaders WHERE unit_id = $1 AND leader_id = $2")
        .bind(unit_id)
        .bind(leader_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    audit(
        tx,
        unit_id,
        actor,
        "leader.unassign",
        json!({"before": {"leader": leader_id}}),
    )
    .await
}

async fn audit(
    tx: &mut Tx,
    unit_id: i64,
    actor: i64,
    action: &str,
    summary: serde_json::Value,
) -> Result<()> {
    append(
        tx,
        AuditEvent {
            unit_id,
            actor_id: Some(actor),
            entity: "unit",
            entity_id: unit_id.to_string(),
            action,
            summary,
        },
    )
    .await?;
    Ok(())
}

/// Every assignment, or those of one leader.
pub async fn assignments(store: &Store, leader_id: Option<i64>) -> Result<Vec<LeaderAssignment>> {
    let rows = sqlx::query(
        "SELECT l.unit_id, u.code AS unit_code, u.name AS unit_name, l.leader_id, p.full_name AS leader_name, l.since \
         FROM unit_leaders l JOIN units u ON u.id = l.unit_id JOIN users p ON p.id = l.leader_id \
         WHERE ($1 IS NULL OR l.leader_id = $1) ORDER BY p.full_name_folded, u.name_folded",
    )
    .bind(leader_id)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LeaderAssignment {
                unit_id: r.try_get("unit_id")?,
                unit_code: r.try_get("unit_code")?,
                unit_name: r.try_get("unit_name")?,
                leader_id: r.try_get("leader_id")?,
                leader_name: r.try_get("leader_name")?,
                since: r.try_get("since")?,
            })
        })
        .collect()
}

pub struct NewVisit<'a> {
    pub unit_id: i64,
    pub leader_id: i64,
    pub visit_date: &'a str,
    pub findings: &'a str,
    pub follow_up_item_id: Option<i64>,
}

pub async fn log(tx: &mut Tx, visit: &NewVisit<'_>) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO field_visits (unit_id, leader_id, visit_date, findings, follow_up_item_id, created_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(visit.unit_id)
    .bind(visit.leader_id)
    .bind(visit.visit_date)
    .bind(visit.findings)
    .bind(visit.follow_up_item_id)
    .bind(dieuhanh_core::time::now_us())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    append(
        tx,
        AuditEvent {
            unit_id: visit.unit_id,
            actor_id: Some(visit.leader_id),
            entity: "visit",
            entity_id: id.to_string(),
            action: "visit.log",
            summary: json!({"after": {"visit_date": visit.visit_date, "findings": visit.findings, "follow_up": visit.follow_up_item_id}}),
        },
    )
    .await?;
    Ok(id)
}

/// Visits to one unit (or every unit), newest first.
pub async fn visits(store: &Store, unit_id: Option<i64>, limit: i64) -> Result<Vec<Visit>> {
    let rows = sqlx::query(
        "SELECT v.id, v.unit_id, u.code AS unit_code, u.name AS unit_name, v.leader_id, p.full_name AS leader_name, \
         v.visit_date, v.findings, v.follow_up_item_id \
         FROM field_visits v JOIN units u ON u.id = v.unit_id JOIN users p ON p.id = v.leader_id \
         WHERE ($1 IS NULL OR v.unit_id = $1) ORDER BY v.visit_date DESC, v.id DESC LIMIT $2",
    )
    .bind(unit_id)
    .bind(limit)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Visit {
                id: r.try_get("id")?,
                unit_id: r.try_get("unit_id")?,
                unit_code: r.try_get("unit_code")?,
                unit_name: r.try_get("unit_name")?,
                leader_id: r.try_get("leader_id")?,
                leader_name: r.try_get("leader_name")?,
                visit_date: r.try_get("visit_date")?,
                findings: r.try_get("findings")?,
                follow_up_item_id: r.try_get("follow_up_item_id")?,
            })
        })
        .collect()
}

/// The date of the latest visit to each unit that has had one.
pub async fn last_visits(store: &Store) -> Result<Vec<(i64, String)>> {
    let rows =
        sqlx::query("SELECT unit_id, MAX(visit_date) AS last FROM field_visits GROUP BY unit_id")
            .fetch_all(store.reader())
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("unit_id")?, r.try_get("last")?)))
        .collect()
}

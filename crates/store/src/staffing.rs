//! Staffing records: positions with their requirements, officials' profiles (levels,
//! wishes, comments, current position) and the board's proposals with their inputs and
//! results. Changes are audited on the unit they concern.

use crate::audit::{AuditEvent, append};
use crate::{Result, Store, StoreError, Tx, flag};
use dieuhanh_core::staffing::Requirement;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

#[derive(Debug, Clone, serde::Serialize)]
pub struct PositionRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub quota: i64,
    pub key_position: bool,
    /// Holders should rotate after this many years (anti-corruption rotation), if set.
    pub rotation_years: Option<i64>,
    /// The position this one deputises for, if any.
    pub deputy_of: Option<i64>,
    pub requirements: Vec<Requirement>,
    /// Officials holding it now.
    pub holders: i64,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn position_row(r: &AnyRow) -> Result<PositionRow> {
    let reqs: String = r.try_get("requirements_json")?;
    Ok(PositionRow {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        title: r.try_get("title")?,
        quota: r.try_get("quota")?,
        key_position: flag(r.try_get("key_position")?),
        rotation_years: r.try_get("rotation_years")?,
        deputy_of: r.try_get("deputy_of")?,
        requirements: serde_json::from_str(&reqs).map_err(|e| corrupt("requirements", e))?,
        holders: r.try_get("holders")?,
    })
}

pub struct NewPosition<'a> {
    pub unit_id: i64,
    pub title: &'a str,
    pub quota: i64,
    pub key_position: bool,
    pub rotation_years: Option<i64>,
    pub deputy_of: Option<i64>,
    pub requirements: &'a [Requirement],
}

pub async fn add_position(tx: &mut Tx, new: &NewPosition<'_>, actor: i64) -> Result<i64> {
    let NewPosition {
        unit_id,
        title,
        quota,
        key_position,
        rotation_years,
        deputy_of,
        requirements,
    } = *new;
    let reqs = serde_json::to_string(requirements).map_err(|e| corrupt("requirements", e))?;
    let id: i64 = sqlx::query(
        "INSERT INTO positions (unit_id, title, quota, key_position, rotation_years, deputy_of, requirements_json, created_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(unit_id)
    .bind(title)
    .bind(quota)
    .bind(i64::from(key_position))
    .bind(rotation_years)
    .bind(deputy_of)
    .bind(&reqs)
    .bind(dieuhanh_core::time::now_us())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    append(
        tx,
        AuditEvent {
            unit_id,
            actor_id: Some(actor),
            entity: "position",
            entity_id: id.to_string(),
            action: "position.create",
            summary: json!({"after": {"title": title, "quota": quota, "key": key_position, "requirements": requirements.len()}}),
        },
    )
    .await?;
    Ok(id)
}

pub async fn positions(store: &Store) -> Result<Vec<PositionRow>> {
    let rows = sqlx::query(
        "SELECT p.id, p.unit_id, u.name AS unit_name, p.title, p.quota, p.key_position, p.rotation_years, p.deputy_of, p.requirements_json, \
         (SELECT COUNT(*) FROM official_profiles o WHERE o.position_id = p.id) AS holders \
         FROM positions p JOIN units u ON u.id = p.unit_id ORDER BY u.name, p.title, p.id",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter().map(position_row).collect()
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Profile {
    pub user_id: i64,
    pub unit_id: i64,
    pub position_id: Option<i64>,
    pub since: Option<String>,
    pub levels: BTreeMap<String, f64>,
    pub wishes: Vec<i64>,
    pub comment: String,
    pub comment_anonymous: bool,
}

fn profile_row(r: &AnyRow) -> Result<Profile> {
    let levels: String = r.try_get("levels_json")?;
    let wishes: String = r.try_get("wishes_json")?;
    Ok(Profile {
        user_id: r.try_get("user_id")?,
        unit_id: r.try_get("unit_id")?,
        position_id: r.try_get("position_id")?,
        since: r.try_get("since")?,
        levels: serde_json::from_str(&levels).map_err(|e| corrupt("levels", e))?,
        wishes: serde_json::from_str(&wishes).map_err(|e| corrupt("wishes", e))?,
        comment: r.try_get("comment")?,
        comment_anonymous: flag(r.try_get("comment_anonymous")?),
    })
}

const PROFILE_COLUMNS: &str =
    "user_id, unit_id, position_id, since, levels_json, wishes_json, comment, comment_anonymous";

pub async fn profile(store: &Store, user_id: i64) -> Result<Option<Profile>> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM official_profiles WHERE user_id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(store.reader())
        .await?
        .as_ref()
        .map(profile_row)
        .transpose()
}

pub async fn profiles(store: &Store) -> Result<Vec<Profile>> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM official_profiles ORDER BY user_id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(profile_row).collect()
}

/// Saves what an official says of themselves (levels, wishes, comment); their current
/// position is kept.
pub async fn save_profile(tx: &mut Tx, p: &Profile) -> Result<()> {
    save_profile_as(tx, p, p.user_id).await
}

/// Saves a profile on someone's behalf (an HR import), audited as theirs.
pub async fn save_profile_as(tx: &mut Tx, p: &Profile, actor: i64) -> Result<()> {
    let levels = serde_json::to_string(&p.levels).map_err(|e| corrupt("levels", e))?;
    let wishes = serde_json::to_string(&p.wishes).map_err(|e| corrupt("wishes", e))?;
    sqlx::query(
        "INSERT INTO official_profiles (user_id, unit_id, position_id, since, levels_json, wishes_json, comment, comment_anonymous, updated_at_us) \
         VALUES ($1, $2, NULL, NULL, $3, $4, $5, $6, $7) ON CONFLICT (user_id) DO UPDATE SET levels_json = excluded.levels_json, \
         wishes_json = excluded.wishes_json, comment = excluded.comment, comment_anonymous = excluded.comment_anonymous, \
         updated_at_us = excluded.updated_at_us",
    )
    .bind(p.user_id)
    .bind(p.unit_id)
    .bind(&levels)
    .bind(&wishes)
    .bind(&p.comment)
    .bind(i64::from(p.comment_anonymous))
    .bind(dieuhanh_core::time::now_us())
    .execute(&mut **tx)
    .await?;
    append(
        tx,
        AuditEvent {
            unit_id: p.unit_id,
            actor_id: Some(actor),
            entity: "profile",
            entity_id: p.user_id.to_string(),
            action: "profile.save",
            summary: json!({"after": {"levels": p.levels.len(), "wishes": p.wishes}}),
        },
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ProposalRow {
    pub id: i64,
    pub unit_id: i64,
    pub inputs: serde_json::Value,
    pub result: serde_json::Value,
    pub total: f64,
    pub state: String,
    pub created_at_us: i64,
}

fn proposal_row(r: &AnyRow) -> Result<ProposalRow> {
    let inputs: String = r.try_get("inputs_json")?;
    let result: String = r.try_get("result_json")?;
    Ok(ProposalRow {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        inputs: serde_json::from_str(&inputs).map_err(|e| corrupt("inputs", e))?,
        result: serde_json::from_str(&result).map_err(|e| corrupt("result", e))?,
        total: r.try_get("total")?,
        state: r.try_get("state")?,
        created_at_us: r.try_get("created_at_us")?,
    })
}

pub async fn save_proposal(
    tx: &mut Tx,
    unit_id: i64,
    inputs: &serde_json::Value,
    result: &serde_json::Value,
    total: f64,
    actor: i64,
) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO staffing_proposals (unit_id, inputs_json, result_json, total, state, created_by, created_at_us) \
         VALUES ($1, $2, $3, $4, 'draft', $5, $6) RETURNING id",
    )
    .bind(unit_id)
    .bind(inputs.to_string())
    .bind(result.to_string())
    .bind(total)
    .bind(actor)
    .bind(dieuhanh_core::time::now_us())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    append(
        tx,
        AuditEvent {
            unit_id,
            actor_id: Some(actor),
            entity: "staffing_proposal",
            entity_id: id.to_string(),
            action: "staffing_proposal.create",
            summary: json!({"after": {"total": total}}),
        },
    )
    .await?;
    Ok(id)
}

pub async fn proposal(store: &Store, id: i64) -> Result<ProposalRow> {
    let r = sqlx::query(
        "SELECT id, unit_id, inputs_json, result_json, total, state, created_at_us FROM staffing_proposals WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.reader())
    .await?
    .ok_or(StoreError::NotFound)?;
    proposal_row(&r)
}

pub async fn proposals(store: &Store) -> Result<Vec<ProposalRow>> {
    let rows = sqlx::query(
        "SELECT id, unit_id, inputs_json, result_json, total, state, created_at_us FROM staffing_proposals ORDER BY id DESC LIMIT 50",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter().map(proposal_row).collect()
}

/// Approves a draft proposal: each placed official takes the position from `since`,
/// audited on the position's unit. Only a draft can be approved (once).
pub async fn approve(
    tx: &mut Tx,
    proposal_id: i64,
    placements: &[(i64, i64, i64)],
    since: &str,
    actor: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE staffing_proposals SET state = 'approved' WHERE id = $1 AND state = 'draft'",
    )
    .bind(proposal_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "proposal {proposal_id} is not a draft"
        )));
    }
    for &(user_id, position_id, unit_id) in placements {
        sqlx::query(
            "INSERT INTO official_profiles (user_id, unit_id, position_id, since, levels_json, wishes_json, comment, comment_anonymous, updated_at_us) \
             VALUES ($1, $2, $3, $4, '{}', '[]', '', 0, $5) ON CONFLICT (user_id) DO UPDATE SET unit_id = excluded.unit_id, \
             position_id = excluded.position_id, since = excluded.since, updated_at_us = excluded.updated_at_us",
        )
        .bind(user_id)
        .bind(unit_id)
        .bind(position_id)
        .bind(since)
        .bind(dieuhanh_core::time::now_us())
        .execute(&mut **tx)
        .await?;
        append(
            tx,
            AuditEvent {
                unit_id,
                actor_id: Some(actor),
                entity: "profile",
                entity_id: user_id.to_string(),
                action: "profile.assign",
                summary: json!({"after": {"position": position_id, "since": since, "proposal": proposal_id}}),
            },
        )
        .await?;
    }
    Ok(())
}

//! Secret ballots (confidence votes, nominations): the ballot, who may vote and whether
//! they did, and one counter per option. Casting a vote changes a flag and a counter in
//! one transaction and writes no row that names both the voter and the choice.

use crate::audit::{AuditEvent, append};
use crate::{Result, Store, StoreError, Tx, flag};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Ballot {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    /// `confidence` or `nomination`.
    pub kind: String,
    pub options: Vec<String>,
    /// Share of the eligible voters an option needs (more than).
    pub threshold: f64,
    pub opens_at_us: i64,
    pub closes_at_us: i64,
    pub eligible: i64,
    pub voted: i64,
}

pub struct NewBallot<'a> {
    pub unit_id: i64,
    pub title: &'a str,
    pub kind: &'a str,
    pub options: &'a [String],
    pub threshold: f64,
    pub opens_at_us: i64,
    pub closes_at_us: i64,
    pub voters: &'a [i64],
    pub created_by: i64,
}

const COLUMNS: &str = "b.id, b.unit_id, b.title, b.kind, b.options_json, b.threshold, b.opens_at_us, b.closes_at_us, \
     (SELECT COUNT(*) FROM ballot_voters v WHERE v.ballot_id = b.id) AS eligible, \
     (SELECT COUNT(*) FROM ballot_voters v WHERE v.ballot_id = b.id AND v.voted = 1) AS voted";

fn row(r: &AnyRow) -> Result<Ballot> {
    let options: String = r.try_get("options_json")?;
    Ok(Ballot {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        title: r.try_get("title")?,
        kind: r.try_get("kind")?,
        options: serde_json::from_str(&options)
            .map_err(|e| StoreError::Corrupt(format!("ballot options: {e}")))?,
        threshold: r.try_get("threshold")?,
        opens_at_us: r.try_get("opens_at_us")?,
        closes_at_us: r.try_get("closes_at_us")?,
        eligible: r.try_get("eligible")?,
        voted: r.try_get("voted")?,
    })
}

pub async fn create(tx: &mut Tx, new: &NewBallot<'_>) -> Result<i64> {
    let options = serde_json::to_string(new.options)
        .map_err(|e| StoreError::Corrupt(format!("ballot options: {e}")))?;
    let id: i64 = sqlx::query(
        "INSERT INTO ballots (unit_id, title, kind, options_json, threshold, opens_at_us, closes_at_us, created_by, created_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(new.unit_id)
    .bind(new.title)
    .bind(new.kind)
    .bind(&options)
    .bind(new.threshold)
    .bind(new.opens_at_us)
    .bind(new.closes_at_us)
    .bind(new.created_by)
    .bind(dieuhanh_core::time::now_us())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    for &user in new.voters {
        sqlx::query(
            "INSERT INTO ballot_voters (ballot_id, unit_id, user_id, voted) VALUES ($1, $2, $3, 0)",
        )
        .bind(id)
        .bind(new.unit_id)
        .bind(user)
        .execute(&mut **tx)
        .await?;
    }
    for i in 0..new.options.len() {
        sqlx::query(
            "INSERT INTO ballot_tallies (ballot_id, unit_id, option_index, votes) VALUES ($1, $2, $3, 0)",
        )
        .bind(id)
        .bind(new.unit_id)
        .bind(i as i64)
        .execute(&mut **tx)
        .await?;
    }
    append(
        tx,
        AuditEvent {
            unit_id: new.unit_id,
            actor_id: Some(new.created_by),
            entity: "ballot",
            entity_id: id.to_string(),
            action: "ballot.create",
            summary: json!({"after": {"title": new.title, "kind": new.kind, "options": new.options,
                                      "threshold": new.threshold, "voters": new.voters.len(),
                                      "opens_at_us": new.opens_at_us, "closes_at_us": new.closes_at_us}}),
        },
    )
    .await?;
    Ok(id)
}

pub async fn get(store: &Store, id: i64) -> Result<Ballot> {
    let sql = format!("SELECT {COLUMNS} FROM ballots b WHERE b.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    row(&r)
}

/// Ballots a person may vote in, or that a unit organises (newest first).
pub async fn involving(store: &Store, user_id: i64, unit_id: Option<i64>) -> Result<Vec<Ballot>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM ballots b WHERE EXISTS (SELECT 1 FROM ballot_voters v WHERE v.ballot_id = b.id \
         AND v.user_id = $1) OR b.unit_id = $2 ORDER BY b.closes_at_us DESC, b.id DESC LIMIT 200"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(unit_id.unwrap_or(-1))
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(row).collect()
}

/// Whether `user_id` may vote in the ballot, and whether they already did.
pub async fn participation(store: &Store, ballot_id: i64, user_id: i64) -> Result<Option<bool>> {
    Ok(
        sqlx::query("SELECT voted FROM ballot_voters WHERE ballot_id = $1 AND user_id = $2")
            .bind(ballot_id)
            .bind(user_id)
            .fetch_optional(store.reader())
            .await?
            .map(|r| r.try_get("voted").map(flag))
            .transpose()?,
    )
}

/// Casts a vote: false when the person is not eligible or has voted already (the flag
/// flips once, so two concurrent votes cannot both count).
pub async fn vote(tx: &mut Tx, ballot: &Ballot, user_id: i64, option: usize) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE ballot_voters SET voted = 1 WHERE ballot_id = $1 AND user_id = $2 AND voted = 0",
    )
    .bind(ballot.id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE ballot_tallies SET votes = votes + 1 WHERE ballot_id = $1 AND option_index = $2",
    )
    .bind(ballot.id)
    .bind(option as i64)
    .execute(&mut **tx)
    .await?;
    // The trail records that the person took part, never what they chose.
    append(
        tx,
        AuditEvent {
            unit_id: ballot.unit_id,
            actor_id: Some(user_id),
            entity: "ballot",
            entity_id: ballot.id.to_string(),
            action: "ballot.participate",
            summary: json!({}),
        },
    )
    .await?;
    Ok(true)
}

/// The counters, in the options' order.
pub async fn tallies(store: &Store, ballot_id: i64) -> Result<Vec<u64>> {
    let rows =
        sqlx::query("SELECT votes FROM ballot_tallies WHERE ballot_id = $1 ORDER BY option_index")
            .bind(ballot_id)
            .fetch_all(store.reader())
            .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<i64, _>("votes")?.max(0) as u64))
        .collect()
}

//! The dossier tallies in the database (core `dossier_tally`): each change to a dossier
//! moves its contribution in the same transaction ([`contribution`] before, [`settle`]
//! after), bulk writes add theirs ([`write`]), and the statistics read a period's
//! cohort in a few hundred rows ([`cohort`], [`open_overdue`], [`procedures`]).

use crate::dossiers::{appointment_of, extension_of, term_of};
use crate::{Result, Store, Tx};
use dieuhanh_core::dossier::{Clocked, Extension, Supplement, Term};
use dieuhanh_core::dossier_tally::{self, Contribution, Delta, Facts, GroupCounts};
use sqlx::Row;
use std::collections::HashMap;

/// One dossier as the tally reads it.
struct Record {
    item_id: i64,
    unit_id: i64,
    procedure_code: String,
    channel: String,
    received_at_us: Option<i64>,
    term: Term,
    appointment: Option<dieuhanh_core::dossier::Appointment>,
    end_us: Option<i64>,
    supplements: Vec<Supplement>,
    extension: Option<Extension>,
    fee_bearing: bool,
    paid_online: bool,
    rated_unsatisfied: bool,
    full_online: bool,
}

impl Record {
    fn contribution(&self) -> Result<Option<Contribution>> {
        let (Some(received_at_us), Some(appointment)) = (self.received_at_us, self.appointment)
        else {
            return Ok(None);
        };
        let facts = Facts {
            unit_id: self.unit_id,
            procedure_code: &self.procedure_code,
            clock: Clocked {
                received_at_us,
                term: self.term,
                appointment,
                supplements: &self.supplements,
                extension: self.extension.as_ref(),
                finished_at_us: self.end_us,
            },
            full_online: self.full_online,
            filed_online: self.channel == "online",
            fee_bearing: self.fee_bearing,
            paid_online: self.paid_online,
            rated_unsatisfied: self.rated_unsatisfied,
        };
        dossier_tally::contribution(&facts)
            .map(Some)
            .map_err(|e| crate::StoreError::Corrupt(format!("dossier {}: {e}", self.item_id)))
    }
}

/// What happened to a dossier after its filing, as far as the tallies care; the default
/// is a dossier just filed.
#[derive(Default)]
pub(crate) struct Since<'a> {
    pub supplements: &'a [Supplement],
    pub extension: Option<&'a Extension>,
    pub end_us: Option<i64>,
    pub paid_online: bool,
    pub rated_unsatisfied: bool,
}

/// What a dossier known in memory (being filed, or written in bulk with its history) adds
/// to the tallies; `None` until it is received.
pub(crate) fn of_filed(
    new: &crate::dossiers::NewDossier<'_>,
    since: &Since<'_>,
) -> Result<Option<Contribution>> {
    let Some(received_at_us) = new.received_at_us else {
        return Ok(None);
    };
    let facts = Facts {
        unit_id: new.unit_id,
        procedure_code: new.procedure_code,
        clock: Clocked {
            received_at_us,
            term: new.term,
            appointment: new.appointment,
            supplements: since.supplements,
            extension: since.extension,
            finished_at_us: since.end_us,
        },
        full_online: new.full_online,
        filed_online: new.channel == "online",
        fee_bearing: new.fee_vnd > 0,
        paid_online: since.paid_online,
        rated_unsatisfied: since.rated_unsatisfied,
    };
    dossier_tally::contribution(&facts)
        .map(Some)
        .map_err(|e| crate::StoreError::Corrupt(format!("dossier {}: {e}", new.code)))
}

/// The dossiers with ids in [`from_id`, `to_id`), with their episodes.
async fn records(conn: &mut sqlx::AnyConnection, from_id: i64, to_id: i64) -> Result<Vec<Record>> {
    let rows = sqlx::query(
        "SELECT d.item_id, d.unit_id, d.procedure_code, d.channel, d.received_at_us, d.term_value, d.term_unit, \
         d.appointment_date, d.appointment_time, COALESCE(d.finished_at_us, d.returned_at_us, d.stopped_at_us) AS end_us, \
         d.fee_vnd, d.fee_channel, d.rating, d.full_online \
         FROM dossiers d WHERE d.item_id >= $1 AND d.item_id < $2 ORDER BY d.item_id",
    )
    .bind(from_id)
    .bind(to_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut supplements: HashMap<i64, Vec<Supplement>> = HashMap::new();
    for r in sqlx::query(
        "SELECT item_id, requested_at_us, completed_at_us FROM dossier_supplements \
         WHERE item_id >= $1 AND item_id < $2 ORDER BY item_id, seq",
    )
    .bind(from_id)
    .bind(to_id)
    .fetch_all(&mut *conn)
    .await?
    {
        supplements
            .entry(r.try_get("item_id")?)
            .or_default()
            .push(Supplement {
                requested_at_us: r.try_get("requested_at_us")?,
                reason: String::new(),
                completed_at_us: r.try_get("completed_at_us")?,
            });
    }
    let mut extensions: HashMap<i64, Extension> = HashMap::new();
    for r in sqlx::query(
        "SELECT item_id, apology_at_us, old_date, new_date FROM dossier_extensions \
         WHERE item_id >= $1 AND item_id < $2",
    )
    .bind(from_id)
    .bind(to_id)
    .fetch_all(&mut *conn)
    .await?
    {
        extensions.insert(r.try_get("item_id")?, extension_of(&r)?);
    }
    rows.iter()
        .map(|r| {
            let item_id: i64 = r.try_get("item_id")?;
            let fee_vnd: i64 = r.try_get("fee_vnd")?;
            let fee_channel: String = r.try_get("fee_channel")?;
            let rating: String = r.try_get("rating")?;
            Ok(Record {
                item_id,
                unit_id: r.try_get("unit_id")?,
                procedure_code: r.try_get("procedure_code")?,
                channel: r.try_get("channel")?,
                received_at_us: r.try_get("received_at_us")?,
                term: term_of(r)?,
                appointment: appointment_of(
                    r.try_get("appointment_date")?,
                    r.try_get("appointment_time")?,
                )?,
                end_us: r.try_get("end_us")?,
                supplements: supplements.remove(&item_id).unwrap_or_default(),
                extension: extensions.remove(&item_id),
                fee_bearing: fee_vnd > 0,
                paid_online: fee_channel == "online",
                rated_unsatisfied: rating == "unsatisfied",
                full_online: crate::flag(r.try_get("full_online")?),
            })
        })
        .collect()
}

/// A dossier's contribution now (`None` before it is received), with its row locked until
/// the transaction ends, so a concurrent change (a payment while the result is approved)
/// waits instead of settling from the same "before". Read it before a change, then
/// [`settle`] after.
pub async fn contribution(tx: &mut Tx, item_id: i64) -> Result<Option<Contribution>> {
    sqlx::query("UPDATE dossiers SET unit_id = unit_id WHERE item_id = $1")
        .bind(item_id)
        .execute(&mut **tx)
        .await?;
    current(tx, item_id).await
}

async fn current(tx: &mut Tx, item_id: i64) -> Result<Option<Contribution>> {
    match records(tx, item_id, item_id + 1).await?.first() {
        Some(r) => r.contribution(),
        None => Ok(None),
    }
}

/// Moves the dossier's contribution from `before` to what it is now.
pub async fn settle(tx: &mut Tx, item_id: i64, before: Option<Contribution>) -> Result<()> {
    let after = current(tx, item_id).await?;
    write(tx, &Delta::between(before.as_ref(), after.as_ref())).await?;
    let open_before = before.as_ref().and_then(|c| c.open_overdue_from_us);
    let open_after = after.as_ref().and_then(|c| c.open_overdue_from_us);
    if open_before != open_after {
        sqlx::query("UPDATE dossiers SET open_overdue_from_us = $1 WHERE item_id = $2")
            .bind(open_after)
            .bind(item_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Adds a delta to the tallies.
pub async fn write(tx: &mut Tx, delta: &Delta) -> Result<()> {
    let groups: Vec<_> = delta.groups.iter().collect();
    for rows in groups.chunks(crate::bulk::rows_per_statement(11)) {
        let sql = format!(
            "INSERT INTO dossier_tallies (unit_id, received_month, ended_month, overdue_month, standing, dossiers, \
             full_online_eligible, full_online_filed, fee_bearing, paid_online, rated_unsatisfied) VALUES {} \
             ON CONFLICT (unit_id, received_month, ended_month, overdue_month, standing) DO UPDATE SET \
             dossiers = dossier_tallies.dossiers + excluded.dossiers, \
             full_online_eligible = dossier_tallies.full_online_eligible + excluded.full_online_eligible, \
             full_online_filed = dossier_tallies.full_online_filed + excluded.full_online_filed, \
             fee_bearing = dossier_tallies.fee_bearing + excluded.fee_bearing, \
             paid_online = dossier_tallies.paid_online + excluded.paid_online, \
             rated_unsatisfied = dossier_tallies.rated_unsatisfied + excluded.rated_unsatisfied",
            crate::bulk::placeholders(rows.len(), 11)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (k, c) in rows {
            q = q
                .bind(k.unit_id)
                .bind(k.received_month.as_str())
                .bind(k.ended_month.as_str())
                .bind(k.overdue_month.as_str())
                .bind(k.standing.as_str())
                .bind(c.dossiers)
                .bind(c.full_online_eligible)
                .bind(c.full_online_filed)
                .bind(c.fee_bearing)
                .bind(c.paid_online)
                .bind(c.rated_unsatisfied);
        }
        q.execute(&mut **tx).await?;
    }
    let procedures: Vec<_> = delta.procedures.iter().collect();
    for rows in procedures.chunks(crate::bulk::rows_per_statement(6)) {
        let sql = format!(
            "INSERT INTO dossier_procedure_tallies (unit_id, received_month, ended_month, procedure_code, dossiers, \
             paid_online) VALUES {} \
             ON CONFLICT (unit_id, received_month, ended_month, procedure_code) DO UPDATE SET \
             dossiers = dossier_procedure_tallies.dossiers + excluded.dossiers, \
             paid_online = dossier_procedure_tallies.paid_online + excluded.paid_online",
            crate::bulk::placeholders(rows.len(), 6)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (k, (n, paid)) in rows {
            q = q
                .bind(k.unit_id)
                .bind(k.received_month.as_str())
                .bind(k.ended_month.as_str())
                .bind(k.procedure_code.as_str())
                .bind(*n)
                .bind(*paid);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Recounts every tally from the dossiers (after an import by other means, or to check
/// them). Reads in chunks, writes in one transaction.
pub async fn rebuild(store: &Store) -> Result<u64> {
    const CHUNK: i64 = 5_000;
    let (low, high): (Option<i64>, Option<i64>) = {
        let r = sqlx::query("SELECT MIN(item_id) AS low, MAX(item_id) AS high FROM dossiers")
            .fetch_one(store.reader())
            .await?;
        (r.try_get("low")?, r.try_get("high")?)
    };
    let mut delta = Delta::default();
    let mut open: Vec<(i64, i64)> = Vec::new();
    let mut counted = 0u64;
    if let (Some(low), Some(high)) = (low, high) {
        let mut conn = store.reader().acquire().await?;
        let mut from = low;
        while from <= high {
            for r in records(&mut conn, from, from + CHUNK).await? {
                if let Some(c) = r.contribution()? {
                    counted += 1;
                    if let Some(at) = c.open_overdue_from_us {
                        open.push((r.item_id, at));
                    }
                    delta.add(&c, 1);
                }
            }
            from += CHUNK;
        }
    }
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM dossier_tallies")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM dossier_procedure_tallies")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE dossiers SET open_overdue_from_us = NULL WHERE open_overdue_from_us IS NOT NULL",
    )
    .execute(&mut *tx)
    .await?;
    write(&mut tx, &delta).await?;
    for (item_id, at) in open {
        sqlx::query("UPDATE dossiers SET open_overdue_from_us = $1 WHERE item_id = $2")
            .bind(at)
            .bind(item_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(counted)
}

/// Builds the tallies of a database that has dossiers but none yet (one written before
/// the tallies existed).
pub async fn ensure(store: &Store) -> Result<()> {
    // Two probes that stop at their first row, so a start-up never scans the dossiers.
    if !crate::finds_a_row(store, "SELECT 1 FROM dossier_tallies LIMIT 1").await?
        && crate::finds_a_row(
            store,
            "SELECT 1 FROM dossiers WHERE received_at_us IS NOT NULL LIMIT 1",
        )
        .await?
    {
        rebuild(store).await?;
    }
    Ok(())
}

/// Received before the period (`$1`) and ended in or after it, read by the index of
/// ended months. `received_month || ''` keeps SQLite's planner off the index of received
/// months, which it would otherwise pick and read nearly every group of the past through
/// (7 ms instead of 3 at `history` scale); the result is the same on both databases.
const ENDED_IN_OR_AFTER: &str = "ended_month >= $1 AND received_month || '' < $1";

/// A period's cohort per unit: its standing at the end of the period (`early`, `on_time`,
/// `late`, `pending_within`, `pending_overdue`, or `open` for dossiers still open now)
/// with the counts. Months are `YYYY-MM`, `first` to `last` inclusive.
pub async fn cohort(
    store: &Store,
    first: &str,
    last: &str,
) -> Result<Vec<(i64, String, GroupCounts)>> {
    let part = |filter: &str| {
        format!(
            "SELECT unit_id, \
               CASE WHEN ended_month = '' THEN 'open' \
                    WHEN ended_month > $2 THEN \
                      CASE WHEN overdue_month <> '' AND overdue_month <= $2 THEN 'pending_overdue' ELSE 'pending_within' END \
                    ELSE standing END AS standing_at_end, \
               dossiers, full_online_eligible, full_online_filed, fee_bearing, paid_online, rated_unsatisfied \
             FROM dossier_tallies WHERE {filter}"
        )
    };
    let sql = format!(
        "SELECT unit_id, standing_at_end, CAST(SUM(dossiers) AS BIGINT) AS dossiers, \
           CAST(SUM(full_online_eligible) AS BIGINT) AS full_online_eligible, \
           CAST(SUM(full_online_filed) AS BIGINT) AS full_online_filed, \
           CAST(SUM(fee_bearing) AS BIGINT) AS fee_bearing, CAST(SUM(paid_online) AS BIGINT) AS paid_online, \
           CAST(SUM(rated_unsatisfied) AS BIGINT) AS rated_unsatisfied \
         FROM ({} UNION ALL {} UNION ALL {}) t GROUP BY unit_id, standing_at_end",
        part("received_month >= $1 AND received_month <= $2"),
        // Received before and not ended before the period: two ranges of the index by
        // ended month, so the older history is never read.
        part("ended_month = '' AND received_month < $1"),
        part(ENDED_IN_OR_AFTER),
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(first)
        .bind(last)
        .fetch_all(store.reader())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("unit_id")?,
                r.try_get("standing_at_end")?,
                GroupCounts {
                    dossiers: r.try_get("dossiers")?,
                    full_online_eligible: r.try_get("full_online_eligible")?,
                    full_online_filed: r.try_get("full_online_filed")?,
                    fee_bearing: r.try_get("fee_bearing")?,
                    paid_online: r.try_get("paid_online")?,
                    rated_unsatisfied: r.try_get("rated_unsatisfied")?,
                },
            ))
        })
        .collect()
}

/// Per unit, the dossiers received before `received_before_us` that are open now and
/// were overdue (766 view) at `at_us`.
pub async fn open_overdue(
    store: &Store,
    at_us: i64,
    received_before_us: i64,
) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT unit_id, COUNT(*) AS n FROM dossiers \
         WHERE open_overdue_from_us IS NOT NULL AND open_overdue_from_us < $1 AND received_at_us < $2 \
         GROUP BY unit_id",
    )
    .bind(at_us)
    .bind(received_before_us)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("unit_id")?, r.try_get("n")?)))
        .collect()
}

/// Per unit, among a period's fee-bearing dossiers: how many procedures had dossiers and
/// how many had one paid online (766: 3b B and C).
pub async fn procedures(store: &Store, first: &str, last: &str) -> Result<Vec<(i64, i64, i64)>> {
    let sql = format!(
        "SELECT unit_id, COUNT(DISTINCT procedure_code) AS used, \
           COUNT(DISTINCT CASE WHEN paid > 0 THEN procedure_code END) AS paid \
         FROM (SELECT unit_id, procedure_code, SUM(dossiers) AS n, SUM(paid_online) AS paid FROM ( \
             SELECT unit_id, procedure_code, dossiers, paid_online FROM dossier_procedure_tallies \
               WHERE received_month >= $1 AND received_month <= $2 \
             UNION ALL \
             SELECT unit_id, procedure_code, dossiers, paid_online FROM dossier_procedure_tallies \
               WHERE ended_month = '' AND received_month < $1 \
             UNION ALL \
             SELECT unit_id, procedure_code, dossiers, paid_online FROM dossier_procedure_tallies \
               WHERE {ENDED_IN_OR_AFTER}) p \
           GROUP BY unit_id, procedure_code) t \
         WHERE n > 0 GROUP BY unit_id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(first)
        .bind(last)
        .fetch_all(store.reader())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("unit_id")?,
                r.try_get("used")?,
                r.try_get("paid")?,
            ))
        })
        .collect()
}

//! Dossiers (hồ sơ) beside their `dossier` work item: the code, the legal timestamps of
//! vn-admin-rules.md §2.1, every supplementation episode and the one re-appointment,
//! fees, the applicant's sealed details and the rating.

use crate::audit::{AuditEvent, append};
use crate::direction::{NewItem, insert_item};
use crate::local_reads::{Columns, Param};
use crate::{Result, Store, StoreError, Tx};
use dieuhanh_core::dossier::{Appointment, Extension, Supplement, Term, TermUnit};
use jiff::civil::{Date, Time};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Dossier {
    pub item_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub state: String,
    /// The work item's current due date (`YYYY-MM-DD`): the slip's appointment, restarted
    /// after a supplement, moved by the re-appointment.
    pub due_date: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    /// `counter`, `online` or `postal`.
    pub channel: String,
    pub applicant_user_id: Option<i64>,
    /// Name, identity number and contact, sealed; opened only by the web layer.
    #[serde(skip)]
    pub applicant_sealed: String,
    pub submitted_at_us: i64,
    pub received_at_us: Option<i64>,
    pub term: Term,
    pub appointment: Option<Appointment>,
    pub finished_at_us: Option<i64>,
    pub returned_at_us: Option<i64>,
    pub stopped_at_us: Option<i64>,
    /// `approved`, `refused`, `withdrawn` or empty while open.
    pub outcome: String,
    pub result_note: String,
    pub fee_vnd: i64,
    /// `none` (free), `unpaid` or `paid`.
    pub fee_status: String,
    /// `cash`, `online`, `transfer` or empty.
    pub fee_channel: String,
    pub paid_at_us: Option<i64>,
    /// `very_satisfied`, `satisfied`, `unsatisfied` or empty.
    pub rating: String,
    pub rating_comment: String,
}

const COLUMNS: &str = "d.item_id, d.unit_id, u.name AS unit_name, d.code, d.procedure_code, p.name AS procedure_name, \
     w.state, w.due_date, w.assignee_id, a.full_name AS assignee_name, d.channel, d.applicant_user_id, d.applicant_sealed, \
     d.submitted_at_us, d.received_at_us, d.term_value, d.term_unit, d.appointment_date, d.appointment_time, \
     d.finished_at_us, d.returned_at_us, d.stopped_at_us, d.outcome, d.result_note, d.fee_vnd, d.fee_status, \
     d.fee_channel, d.paid_at_us, d.rating, d.rating_comment";
const FROM: &str = "dossiers d JOIN work_items w ON w.id = d.item_id JOIN units u ON u.id = d.unit_id \
     JOIN procedures p ON p.code = d.procedure_code LEFT JOIN users a ON a.id = w.assignee_id";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("dossier {what}"))
}

pub(crate) fn appointment_of(
    date: Option<String>,
    time: Option<String>,
) -> Result<Option<Appointment>> {
    let Some(date) = date else { return Ok(None) };
    let date: Date = date.parse().map_err(|_| corrupt("appointment"))?;
    let time = match time {
        Some(t) => Some(t.parse::<Time>().map_err(|_| corrupt("appointment time"))?),
        None => None,
    };
    Ok(Some(Appointment { date, time }))
}

pub(crate) fn term_of<'a>(r: impl Into<Columns<'a>>) -> Result<Term> {
    let r = r.into();
    let unit: String = r.get("term_unit")?;
    let value: i64 = r.get("term_value")?;
    Ok(Term {
        value: u32::try_from(value).map_err(|_| corrupt("term"))?,
        unit: TermUnit::parse(&unit).ok_or_else(|| corrupt("term unit"))?,
    })
}

/// A re-appointment row (`apology_at_us`, `old_date`, `new_date`, and `reason` if read).
pub(crate) fn extension_of(r: &AnyRow) -> Result<Extension> {
    let date = |s: String| s.parse::<Date>().map_err(|_| corrupt("extension"));
    Ok(Extension {
        apology_at_us: r.try_get("apology_at_us")?,
        old: Appointment::on(date(r.try_get("old_date")?)?),
        new: Appointment::on(date(r.try_get("new_date")?)?),
        reason: r.try_get("reason").unwrap_or_default(),
    })
}

fn row<'a>(r: impl Into<Columns<'a>>) -> Result<Dossier> {
    let r = r.into();
    Ok(Dossier {
        item_id: r.get("item_id")?,
        unit_id: r.get("unit_id")?,
        unit_name: r.get("unit_name")?,
        code: r.get("code")?,
        procedure_code: r.get("procedure_code")?,
        procedure_name: r.get("procedure_name")?,
        state: r.get("state")?,
        due_date: r.get("due_date")?,
        assignee_id: r.get("assignee_id")?,
        assignee_name: r.get("assignee_name")?,
        channel: r.get("channel")?,
        applicant_user_id: r.get("applicant_user_id")?,
        applicant_sealed: r.get("applicant_sealed")?,
        submitted_at_us: r.get("submitted_at_us")?,
        received_at_us: r.get("received_at_us")?,
        term: term_of(r)?,
        appointment: appointment_of(r.get("appointment_date")?, r.get("appointment_time")?)?,
        finished_at_us: r.get("finished_at_us")?,
        returned_at_us: r.get("returned_at_us")?,
        stopped_at_us: r.get("stopped_at_us")?,
        outcome: r.get("outcome")?,
        result_note: r.get("result_note")?,
        fee_vnd: r.get("fee_vnd")?,
        fee_status: r.get("fee_status")?,
        fee_channel: r.get("fee_channel")?,
        paid_at_us: r.get("paid_at_us")?,
        rating: r.get("rating")?,
        rating_comment: r.get("rating_comment")?,
    })
}

/// The next number of the receiving unit's day (§3: a sequence per unit per day, never
/// reused). The row is created or incremented in the caller's transaction, so two
/// receptions at once get different numbers.
pub async fn next_sequence(tx: &mut Tx, unit_id: i64, day: Date) -> Result<i64> {
    let n: i64 = sqlx::query(
        "INSERT INTO dossier_sequences (unit_id, day, last_value) VALUES ($1, $2, 1) \
         ON CONFLICT (unit_id, day) DO UPDATE SET last_value = dossier_sequences.last_value + 1 \
         RETURNING last_value",
    )
    .bind(unit_id)
    .bind(day.to_string())
    .fetch_one(&mut **tx)
    .await?
    .try_get("last_value")?;
    Ok(n)
}

pub struct NewDossier<'a> {
    pub unit_id: i64,
    pub code: &'a str,
    pub procedure_code: &'a str,
    pub procedure_name: &'a str,
    pub channel: &'a str,
    pub applicant_user_id: Option<i64>,
    pub applicant_sealed: &'a str,
    pub identity_hash: &'a str,
    pub submitted_at_us: i64,
    /// Set when received at the counter; `None` for an online filing not yet received.
    pub received_at_us: Option<i64>,
    pub term: Term,
    /// The appointment (provisional until received).
    pub appointment: Appointment,
    pub fee_vnd: i64,
    /// The officer who received it, or the applicant who filed it.
    pub created_by: Option<i64>,
    /// The procedure was offered fully online when the dossier was filed (766: 3a).
    pub full_online: bool,
}

fn time_text(a: &Appointment) -> Option<String> {
    a.time.map(|t| t.strftime("%H:%M").to_string())
}

/// Records a dossier and its work item (`submitted` online, `received` at the counter).
pub async fn create(tx: &mut Tx, new: &NewDossier<'_>) -> Result<i64> {
    // What it adds to the tallies is known from what is filed: nothing to read back inside
    // the write transaction, which every writer waits for.
    let contribution = crate::tallies::of_filed(new, &Default::default())?;
    let state = if new.received_at_us.is_some() {
        "received"
    } else {
        "submitted"
    };
    let item_id = insert_item(
        tx,
        &NewItem {
            unit_id: new.unit_id,
            kind: "dossier",
            state,
            directive_id: None,
            issuer_unit_id: new.unit_id,
            title: &format!("{} — {}", new.code, new.procedure_name),
            priority: "normal",
            due_date: &new.appointment.date.to_string(),
            created_by: new.created_by,
            origin: new.channel,
        },
    )
    .await?;
    sqlx::query(
        "INSERT INTO dossiers (item_id, unit_id, code, procedure_code, channel, applicant_user_id, applicant_sealed, \
         identity_hash, submitted_at_us, received_at_us, term_value, term_unit, appointment_date, appointment_time, \
         outcome, result_note, fee_vnd, fee_status, fee_channel, rating, rating_comment, full_online, \
         open_overdue_from_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '', '', $15, $16, '', '', '', $17, $18)",
    )
    .bind(item_id)
    .bind(new.unit_id)
    .bind(new.code)
    .bind(new.procedure_code)
    .bind(new.channel)
    .bind(new.applicant_user_id)
    .bind(new.applicant_sealed)
    .bind(new.identity_hash)
    .bind(new.submitted_at_us)
    .bind(new.received_at_us)
    .bind(i64::from(new.term.value))
    .bind(new.term.unit.as_str())
    .bind(new.appointment.date.to_string())
    .bind(time_text(&new.appointment))
    .bind(new.fee_vnd)
    .bind(if new.fee_vnd > 0 { "unpaid" } else { "none" })
    .bind(i64::from(new.full_online))
    .bind(contribution.as_ref().and_then(|c| c.open_overdue_from_us))
    .execute(&mut **tx)
    .await?;
    crate::tallies::write(
        tx,
        &dieuhanh_core::dossier_tally::Delta::between(None, contribution.as_ref()),
    )
    .await?;
    append(
        tx,
        AuditEvent {
            unit_id: new.unit_id,
            actor_id: new.created_by,
            entity: "dossier",
            entity_id: item_id.to_string(),
            action: "dossier.create",
            summary: json!({"after": {"code": new.code, "procedure": new.procedure_code, "channel": new.channel,
                                      "state": state, "appointment": new.appointment.date.to_string()}}),
        },
    )
    .await?;
    Ok(item_id)
}

pub async fn get(store: &Store, item_id: i64) -> Result<Dossier> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE d.item_id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(item_id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    row(&r)
}

pub async fn by_code(store: &Store, code: &str) -> Result<Dossier> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE d.code = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    row(&r)
}

/// A dossier by its code with the (action, instant) of each step, in one statement: the
/// public lookup is the busiest read, and each statement is a round trip to the driver.
pub async fn by_code_with_steps(
    store: &Store,
    code: &str,
) -> Result<(Dossier, Vec<(String, i64)>)> {
    let sql = format!(
        "SELECT {COLUMNS}, e.action AS step_action, e.at_us AS step_at_us FROM {FROM} \
         LEFT JOIN work_item_events e ON e.item_id = d.item_id WHERE d.code = $1 ORDER BY e.seq"
    );
    // The dossier from the first row only; a step from every row that has one.
    let first = std::sync::atomic::AtomicBool::new(true);
    let rows = store
        .point_read(&sql, &[Param::Text(code.to_string())], |r| {
            let dossier = if first.swap(false, std::sync::atomic::Ordering::Relaxed) {
                Some(row(r)?)
            } else {
                None
            };
            let action: Option<String> = r.get("step_action")?;
            let at_us: Option<i64> = r.get("step_at_us")?;
            Ok((dossier, action.zip(at_us)))
        })
        .await?;
    let mut rows = rows.into_iter();
    let (dossier, first_step) = rows.next().ok_or(StoreError::NotFound)?;
    let dossier = dossier.ok_or(StoreError::NotFound)?;
    let steps = first_step
        .into_iter()
        .chain(rows.filter_map(|(_, step)| step))
        .collect();
    Ok((dossier, steps))
}

/// Which dossiers a list shows.
#[derive(Debug, Clone, Default)]
pub struct DossierQuery {
    pub unit_id: Option<i64>,
    pub applicant_user_id: Option<i64>,
    /// Only open ones (not finished, refused, returned or withdrawn).
    pub open_only: bool,
    pub limit: i64,
}

pub async fn list(store: &Store, q: &DossierQuery) -> Result<Vec<Dossier>> {
    let mut sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE 1 = 1");
    if q.unit_id.is_some() {
        sql.push_str(" AND d.unit_id = $1");
    } else {
        sql.push_str(" AND $1 = $1");
    }
    if q.applicant_user_id.is_some() {
        sql.push_str(" AND d.applicant_user_id = $2");
    } else {
        sql.push_str(" AND $2 = $2");
    }
    if q.open_only {
        sql.push_str(
            " AND w.state IN ('submitted', 'received', 'in_progress', 'awaiting_supplement')",
        );
    }
    sql.push_str(" ORDER BY d.submitted_at_us DESC LIMIT $3");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(q.unit_id.unwrap_or(0))
        .bind(q.applicant_user_id.unwrap_or(0))
        .bind(q.limit.clamp(1, 1000))
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(row).collect()
}

pub async fn supplements(store: &Store, item_id: i64) -> Result<Vec<Supplement>> {
    let rows = sqlx::query(
        "SELECT requested_at_us, reason, completed_at_us FROM dossier_supplements WHERE item_id = $1 ORDER BY seq",
    )
    .bind(item_id)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Supplement {
                requested_at_us: r.try_get("requested_at_us")?,
                reason: r.try_get("reason")?,
                completed_at_us: r.try_get("completed_at_us")?,
            })
        })
        .collect()
}

pub async fn extension(store: &Store, item_id: i64) -> Result<Option<Extension>> {
    let r = sqlx::query(
        "SELECT apology_at_us, old_date, new_date, reason FROM dossier_extensions WHERE item_id = $1",
    )
    .bind(item_id)
    .fetch_optional(store.reader())
    .await?;
    r.as_ref().map(extension_of).transpose()
}

/// What a dossier action records beside the work item's transition.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Received by the desk: the legal clock starts.
    Received {
        at_us: i64,
        appointment: Appointment,
    },
    SupplementRequested {
        at_us: i64,
        reason: String,
    },
    /// The last episode completed; the term restarts (§2.4).
    Supplemented {
        at_us: i64,
        appointment: Appointment,
    },
    Extended {
        at_us: i64,
        old: Date,
        new: Date,
        reason: String,
    },
    /// Approved or refused: the result is ready.
    Finished {
        at_us: i64,
        outcome: &'static str,
        note: String,
    },
    Returned {
        at_us: i64,
    },
    Withdrawn {
        at_us: i64,
        note: String,
    },
}

/// Writes what an action changes on the dossier; the caller applied the transition in
/// the same transaction.
pub async fn record(tx: &mut Tx, d: &Dossier, what: &Record) -> Result<()> {
    let before = crate::tallies::contribution(tx, d.item_id).await?;
    match what {
        Record::Received { at_us, appointment } => {
            sqlx::query(
                "UPDATE dossiers SET received_at_us = $1, appointment_date = $2, appointment_time = $3 WHERE item_id = $4",
            )
            .bind(at_us)
            .bind(appointment.date.to_string())
            .bind(time_text(appointment))
            .bind(d.item_id)
            .execute(&mut **tx)
            .await?;
            set_due(tx, d.item_id, appointment.date).await?;
        }
        Record::SupplementRequested { at_us, reason } => {
            sqlx::query(
                "INSERT INTO dossier_supplements (unit_id, item_id, seq, requested_at_us, reason) \
                 SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4 FROM dossier_supplements WHERE item_id = $2",
            )
            .bind(d.unit_id)
            .bind(d.item_id)
            .bind(at_us)
            .bind(reason)
            .execute(&mut **tx)
            .await?;
        }
        Record::Supplemented { at_us, appointment } => {
            sqlx::query(
                "UPDATE dossier_supplements SET completed_at_us = $1 WHERE item_id = $2 AND completed_at_us IS NULL",
            )
            .bind(at_us)
            .bind(d.item_id)
            .execute(&mut **tx)
            .await?;
            set_due(tx, d.item_id, appointment.date).await?;
        }
        Record::Extended {
            at_us,
            old,
            new,
            reason,
        } => {
            sqlx::query(
                "INSERT INTO dossier_extensions (unit_id, item_id, apology_at_us, old_date, new_date, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(d.unit_id)
            .bind(d.item_id)
            .bind(at_us)
            .bind(old.to_string())
            .bind(new.to_string())
            .bind(reason)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_insert(e, "extension_once"))?;
            set_due(tx, d.item_id, *new).await?;
        }
        Record::Finished {
            at_us,
            outcome,
            note,
        } => {
            sqlx::query(
                "UPDATE dossiers SET finished_at_us = $1, outcome = $2, result_note = $3 WHERE item_id = $4",
            )
            .bind(at_us)
            .bind(outcome)
            .bind(note)
            .bind(d.item_id)
            .execute(&mut **tx)
            .await?;
        }
        Record::Returned { at_us } => {
            sqlx::query("UPDATE dossiers SET returned_at_us = $1 WHERE item_id = $2")
                .bind(at_us)
                .bind(d.item_id)
                .execute(&mut **tx)
                .await?;
        }
        Record::Withdrawn { at_us, note } => {
            sqlx::query(
                "UPDATE dossiers SET stopped_at_us = $1, outcome = 'withdrawn', result_note = $2 WHERE item_id = $3",
            )
            .bind(at_us)
            .bind(note)
            .bind(d.item_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    crate::tallies::settle(tx, d.item_id, before).await
}

async fn set_due(tx: &mut Tx, item_id: i64, due: Date) -> Result<()> {
    sqlx::query("UPDATE work_items SET due_date = $1 WHERE id = $2")
        .bind(due.to_string())
        .bind(item_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records a payment of the dossier's fee, audited.
pub async fn pay(tx: &mut Tx, d: &Dossier, channel: &str, at_us: i64, actor: i64) -> Result<()> {
    let before = crate::tallies::contribution(tx, d.item_id).await?;
    let done = sqlx::query(
        "UPDATE dossiers SET fee_status = 'paid', fee_channel = $1, paid_at_us = $2 WHERE item_id = $3 AND fee_status = 'unpaid'",
    )
    .bind(channel)
    .bind(at_us)
    .bind(d.item_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict("fee_not_due".into()));
    }
    crate::tallies::settle(tx, d.item_id, before).await?;
    append(
        tx,
        AuditEvent {
            unit_id: d.unit_id,
            actor_id: Some(actor),
            entity: "dossier",
            entity_id: d.item_id.to_string(),
            action: "dossier.pay",
            summary: json!({"after": {"fee_status": "paid", "channel": channel, "fee_vnd": d.fee_vnd}}),
        },
    )
    .await?;
    Ok(())
}

/// The applicant's rating of a finished dossier, once; audited without the comment.
pub async fn rate(
    tx: &mut Tx,
    d: &Dossier,
    rating: &str,
    comment: &str,
    actor: Option<i64>,
) -> Result<()> {
    let before = crate::tallies::contribution(tx, d.item_id).await?;
    let done = sqlx::query(
        "UPDATE dossiers SET rating = $1, rating_comment = $2, rated_at_us = $3 WHERE item_id = $4 AND rating = ''",
    )
    .bind(rating)
    .bind(comment)
    .bind(dieuhanh_core::time::now_us())
    .bind(d.item_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict("already_rated".into()));
    }
    crate::tallies::settle(tx, d.item_id, before).await?;
    append(
        tx,
        AuditEvent {
            unit_id: d.unit_id,
            actor_id: actor,
            entity: "dossier",
            entity_id: d.item_id.to_string(),
            action: "dossier.rate",
            summary: json!({"after": {"rating": rating}}),
        },
    )
    .await?;
    Ok(())
}

/// Open dossiers per unit and handling officer, now: (unit, officer, dossiers).
pub async fn open_per_assignee(store: &Store) -> Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT unit_id, assignee_id, COUNT(*) AS n FROM work_items \
         WHERE kind = 'dossier' AND closed_on IS NULL AND assignee_id IS NOT NULL GROUP BY unit_id, assignee_id",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("unit_id")?,
                r.try_get("assignee_id")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// The keyed hash of the applicant's identity number, to check a claim of being them.
pub async fn identity_hash(store: &Store, item_id: i64) -> Result<String> {
    let r = sqlx::query("SELECT identity_hash FROM dossiers WHERE item_id = $1")
        .bind(item_id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(r.try_get("identity_hash")?)
}

/// One dossier as the statistics need it: enough to classify it in both views.
#[derive(Debug, Clone)]
pub struct Clock {
    pub unit_id: i64,
    pub procedure_code: String,
    pub channel: String,
    pub assignee_id: Option<i64>,
    pub received_at_us: i64,
    pub term: Term,
    pub appointment: Appointment,
    pub finished_at_us: Option<i64>,
    pub supplements: Vec<Supplement>,
    pub extension: Option<Extension>,
    pub fee_vnd: i64,
    pub fee_channel: String,
    pub rating: String,
    /// Its procedure was offered fully online when it was filed.
    pub full_online: bool,
}

/// Every received dossier of the period [`from_us`, `to_us`) — received in it, or received
/// before and still open at its start — with its supplementation episodes and
/// re-appointment, for the statistics.
pub async fn clocks(store: &Store, from_us: i64, to_us: i64) -> Result<Vec<Clock>> {
    let rows = sqlx::query(
        "SELECT d.item_id, d.unit_id, d.procedure_code, d.channel, w.assignee_id, d.received_at_us, d.term_value, d.term_unit, \
         d.appointment_date, d.appointment_time, COALESCE(d.finished_at_us, d.returned_at_us, d.stopped_at_us) AS end_us, \
         d.fee_vnd, d.fee_channel, d.rating, d.full_online \
         FROM dossiers d JOIN work_items w ON w.id = d.item_id \
         WHERE d.received_at_us IS NOT NULL AND d.received_at_us < $2 \
         AND (d.received_at_us >= $1 OR COALESCE(d.finished_at_us, d.returned_at_us, d.stopped_at_us, $2) >= $1)",
    )
    .bind(from_us)
    .bind(to_us)
    .fetch_all(store.reader())
    .await?;
    let supplements = sqlx::query(
        "SELECT s.item_id, s.requested_at_us, s.reason, s.completed_at_us FROM dossier_supplements s \
         JOIN dossiers d ON d.item_id = s.item_id WHERE d.received_at_us IS NOT NULL AND d.received_at_us < $1 \
         ORDER BY s.item_id, s.seq",
    )
    .bind(to_us)
    .fetch_all(store.reader())
    .await?;
    let mut by_item: std::collections::HashMap<i64, Vec<Supplement>> =
        std::collections::HashMap::new();
    for r in &supplements {
        by_item
            .entry(r.try_get("item_id")?)
            .or_default()
            .push(Supplement {
                requested_at_us: r.try_get("requested_at_us")?,
                reason: String::new(),
                completed_at_us: r.try_get("completed_at_us")?,
            });
    }
    let extensions =
        sqlx::query("SELECT item_id, apology_at_us, old_date, new_date FROM dossier_extensions")
            .fetch_all(store.reader())
            .await?;
    let mut ext: std::collections::HashMap<i64, Extension> = std::collections::HashMap::new();
    for r in &extensions {
        ext.insert(r.try_get("item_id")?, extension_of(r)?);
    }
    rows.iter()
        .map(|r| {
            let item_id: i64 = r.try_get("item_id")?;
            Ok(Clock {
                unit_id: r.try_get("unit_id")?,
                procedure_code: r.try_get("procedure_code")?,
                channel: r.try_get("channel")?,
                assignee_id: r.try_get("assignee_id")?,
                received_at_us: r.try_get("received_at_us")?,
                term: term_of(r)?,
                appointment: appointment_of(
                    r.try_get("appointment_date")?,
                    r.try_get("appointment_time")?,
                )?
                .ok_or_else(|| corrupt("appointment"))?,
                finished_at_us: r.try_get("end_us")?,
                supplements: by_item.remove(&item_id).unwrap_or_default(),
                extension: ext.remove(&item_id),
                fee_vnd: r.try_get("fee_vnd")?,
                fee_channel: r.try_get("fee_channel")?,
                rating: r.try_get("rating")?,
                full_online: crate::flag(r.try_get("full_online")?),
            })
        })
        .collect()
}

/// One step of a historic dossier: (instant, actor, action, from state, to state, note).
pub type HistoricEvent<'a> = (i64, Option<i64>, &'a str, &'a str, &'a str, &'a str);

/// A dossier of the past, as imported from another system or generated for the demo:
/// its whole life at once, with the instants it happened at.
pub struct HistoricDossier<'a> {
    pub new: NewDossier<'a>,
    pub state: &'a str,
    pub assignee_id: Option<i64>,
    /// (instant, actor, action, from, to, note) in order.
    pub events: Vec<HistoricEvent<'a>>,
    pub supplements: Vec<Supplement>,
    pub extension: Option<Extension>,
    pub finished_at_us: Option<i64>,
    pub returned_at_us: Option<i64>,
    pub stopped_at_us: Option<i64>,
    pub outcome: &'a str,
    pub fee_status: &'a str,
    pub fee_channel: &'a str,
    pub paid_at_us: Option<i64>,
    pub rating: &'a str,
    pub closed_on: Option<String>,
    pub due_date: Date,
}

/// Raises a unit's day sequence to at least `last` (after importing history).
pub async fn raise_sequence(tx: &mut Tx, unit_id: i64, day: Date, last: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO dossier_sequences (unit_id, day, last_value) VALUES ($1, $2, $3) \
         ON CONFLICT (unit_id, day) DO UPDATE SET last_value = \
         CASE WHEN dossier_sequences.last_value > $3 THEN dossier_sequences.last_value ELSE $3 END",
    )
    .bind(unit_id)
    .bind(day.to_string())
    .bind(last)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A 766 figure an administrator entered for an indicator the platform cannot compute
/// (national portal sync, national databases), with where it came from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entered766 {
    pub unit_id: i64,
    pub period: String,
    pub indicator: String,
    pub numerator: f64,
    pub denominator: f64,
    pub source: String,
}

pub async fn entered_766(store: &Store, period: &str) -> Result<Vec<Entered766>> {
    let rows = sqlx::query(
        "SELECT unit_id, period, indicator, numerator, denominator, source FROM index766_inputs WHERE period = $1",
    )
    .bind(period)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entered766 {
                unit_id: r.try_get("unit_id")?,
                period: r.try_get("period")?,
                indicator: r.try_get("indicator")?,
                numerator: r.try_get("numerator")?,
                denominator: r.try_get("denominator")?,
                source: r.try_get("source")?,
            })
        })
        .collect()
}

/// Records (or replaces) an entered 766 figure, audited.
pub async fn enter_766(tx: &mut Tx, e: &Entered766, actor: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO index766_inputs (unit_id, period, indicator, numerator, denominator, source, entered_by, entered_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (unit_id, period, indicator) DO UPDATE SET \
         numerator = $4, denominator = $5, source = $6, entered_by = $7, entered_at_us = $8",
    )
    .bind(e.unit_id)
    .bind(&e.period)
    .bind(&e.indicator)
    .bind(e.numerator)
    .bind(e.denominator)
    .bind(&e.source)
    .bind(actor)
    .bind(dieuhanh_core::time::now_us())
    .execute(&mut **tx)
    .await?;
    append(
        tx,
        AuditEvent {
            unit_id: e.unit_id,
            actor_id: Some(actor),
            entity: "index766_input",
            entity_id: format!("{}:{}", e.period, e.indicator),
            action: "index766.enter",
            summary: json!({"after": {"numerator": e.numerator, "denominator": e.denominator, "source": e.source}}),
        },
    )
    .await?;
    Ok(())
}

/// Per handling officer: (user, rated dossiers, of them not rated unsatisfied) — the
/// citizens' ratings the staffing proposal may weigh.
pub async fn ratings_by_assignee(store: &Store) -> Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT w.assignee_id, COUNT(*) AS rated, \
         SUM(CASE WHEN d.rating <> 'unsatisfied' THEN 1 ELSE 0 END) AS satisfied \
         FROM dossiers d JOIN work_items w ON w.id = d.item_id \
         WHERE d.rating <> '' AND w.assignee_id IS NOT NULL GROUP BY w.assignee_id",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("assignee_id")?,
                r.try_get("rated")?,
                r.try_get("satisfied")?,
            ))
        })
        .collect()
}

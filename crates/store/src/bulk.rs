//! Writing generated or imported history in bulk: many dossiers per statement, ids chosen
//! by the caller (a fresh database's next ids), so a city-year is written in minutes
//! rather than hours. No audit entries: the history is the import's. The id sequences are
//! moved past the written ids at the end ([`finish`]).

use crate::dossiers::HistoricDossier;
use crate::{Dialect, Result, Store, Tx};
use dieuhanh_core::dossier_tally::{Contribution, Delta};
use sqlx::Row;

/// Dossiers per transaction chunk.
pub const BATCH: usize = 1_000;

/// Bound parameters per statement. sqlx's SQLite driver looks each parameter's name up
/// by scanning them all, so a statement's binding cost grows with the square of its
/// parameters: a few hundred keep it negligible while still saving most round trips.
const PARAMETERS: usize = 480;

pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (PARAMETERS / columns).max(1)
}

/// The next free work-item id.
pub async fn next_item_id(store: &Store) -> Result<i64> {
    let n: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM work_items")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    Ok(n)
}

pub(crate) fn placeholders(rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push(',');
            }
            sql.push('$');
            sql.push_str(&(r * columns + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Writes dossiers with their work items, events and supplementation episodes; `first_id`
/// is the work-item id of the first one, the others following in order.
pub async fn insert_dossiers(
    tx: &mut Tx,
    first_id: i64,
    batch: &[HistoricDossier<'_>],
) -> Result<()> {
    let mut delta = Delta::default();
    for (chunk_index, chunk) in batch.chunks(BATCH).enumerate() {
        let base = first_id + (chunk_index * BATCH) as i64;
        let contributions = chunk.iter().map(contribution).collect::<Result<Vec<_>>>()?;
        for c in contributions.iter().flatten() {
            delta.add(c, 1);
        }
        for (part, rows) in chunk.chunks(rows_per_statement(12)).enumerate() {
            let part_base = base + (part * rows_per_statement(12)) as i64;
            let sql = format!(
                "INSERT INTO work_items (id, unit_id, kind, state, issuer_unit_id, title, priority, due_date, assignee_id, \
             progress, created_at_us, closed_on) VALUES {}",
                placeholders(rows.len(), 12)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, h) in rows.iter().enumerate() {
                q = q
                    .bind(part_base + i as i64)
                    .bind(h.new.unit_id)
                    .bind("dossier")
                    .bind(h.state)
                    .bind(h.new.unit_id)
                    .bind(format!("{} — {}", h.new.code, h.new.procedure_name))
                    .bind("normal")
                    .bind(h.due_date.to_string())
                    .bind(h.assignee_id)
                    .bind(0i64)
                    .bind(h.new.submitted_at_us)
                    .bind(h.closed_on.clone());
            }
            q.execute(&mut **tx).await?;
        }

        for (part, rows) in chunk.chunks(rows_per_statement(28)).enumerate() {
            let part_base = base + (part * rows_per_statement(28)) as i64;
            let sql = format!(
                "INSERT INTO dossiers (item_id, unit_id, code, procedure_code, channel, applicant_user_id, applicant_sealed, \
             identity_hash, submitted_at_us, received_at_us, term_value, term_unit, appointment_date, appointment_time, \
             finished_at_us, returned_at_us, stopped_at_us, outcome, result_note, fee_vnd, fee_status, fee_channel, \
             paid_at_us, rating, rating_comment, rated_at_us, open_overdue_from_us, full_online) VALUES {}",
                placeholders(rows.len(), 28)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, h) in rows.iter().enumerate() {
                let n = &h.new;
                q = q
                    .bind(part_base + i as i64)
                    .bind(n.unit_id)
                    .bind(n.code)
                    .bind(n.procedure_code)
                    .bind(n.channel)
                    .bind(n.applicant_user_id)
                    .bind(n.applicant_sealed)
                    .bind(n.identity_hash)
                    .bind(n.submitted_at_us)
                    .bind(n.received_at_us)
                    .bind(i64::from(n.term.value))
                    .bind(n.term.unit.as_str())
                    .bind(n.appointment.date.to_string())
                    .bind(n.appointment.time.map(|t| t.strftime("%H:%M").to_string()))
                    .bind(h.finished_at_us)
                    .bind(h.returned_at_us)
                    .bind(h.stopped_at_us)
                    .bind(h.outcome)
                    .bind("")
                    .bind(n.fee_vnd)
                    .bind(h.fee_status)
                    .bind(h.fee_channel)
                    .bind(h.paid_at_us)
                    .bind(h.rating)
                    .bind("")
                    .bind((!h.rating.is_empty()).then_some(h.returned_at_us).flatten())
                    .bind(
                        contributions[part * rows_per_statement(28) + i]
                            .as_ref()
                            .and_then(|c| c.open_overdue_from_us),
                    )
                    .bind(i64::from(n.full_online));
            }
            q.execute(&mut **tx).await?;
        }

        let events: Vec<(i64, i64, usize, &crate::dossiers::HistoricEvent<'_>)> = chunk
            .iter()
            .enumerate()
            .flat_map(|(i, h)| {
                h.events
                    .iter()
                    .enumerate()
                    .map(move |(seq, e)| (base + i as i64, h.new.unit_id, seq + 1, e))
            })
            .collect();
        for rows in events.chunks(rows_per_statement(9)) {
            let sql = format!(
                "INSERT INTO work_item_events (unit_id, item_id, seq, at_us, actor_id, action, from_state, to_state, note) \
                 VALUES {}",
                placeholders(rows.len(), 9)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (item, unit, seq, (at, actor, action, from, to, note)) in rows {
                q = q
                    .bind(*unit)
                    .bind(*item)
                    .bind(*seq as i64)
                    .bind(*at)
                    .bind(*actor)
                    .bind(*action)
                    .bind(*from)
                    .bind(*to)
                    .bind(*note);
            }
            q.execute(&mut **tx).await?;
        }

        let supplements: Vec<(i64, i64, usize, &dieuhanh_core::dossier::Supplement)> = chunk
            .iter()
            .enumerate()
            .flat_map(|(i, h)| {
                h.supplements
                    .iter()
                    .enumerate()
                    .map(move |(seq, s)| (base + i as i64, h.new.unit_id, seq + 1, s))
            })
            .collect();
        for rows in supplements.chunks(rows_per_statement(6)) {
            let sql = format!(
                "INSERT INTO dossier_supplements (unit_id, item_id, seq, requested_at_us, reason, completed_at_us) VALUES {}",
                placeholders(rows.len(), 6)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (item, unit, seq, s) in rows {
                q = q
                    .bind(*unit)
                    .bind(*item)
                    .bind(*seq as i64)
                    .bind(s.requested_at_us)
                    .bind(s.reason.as_str())
                    .bind(s.completed_at_us);
            }
            q.execute(&mut **tx).await?;
        }
        for (i, h) in chunk.iter().enumerate() {
            if let Some(e) = &h.extension {
                sqlx::query(
                    "INSERT INTO dossier_extensions (unit_id, item_id, apology_at_us, old_date, new_date, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(h.new.unit_id)
                .bind(base + i as i64)
                .bind(e.apology_at_us)
                .bind(e.old.date.to_string())
                .bind(e.new.date.to_string())
                .bind(&e.reason)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    crate::tallies::write(tx, &delta).await
}

/// What a historic dossier adds to the tallies (`None` if never received).
fn contribution(h: &HistoricDossier<'_>) -> Result<Option<Contribution>> {
    crate::tallies::of_filed(
        &h.new,
        &crate::tallies::Since {
            supplements: &h.supplements,
            extension: h.extension.as_ref(),
            end_us: h.finished_at_us.or(h.returned_at_us).or(h.stopped_at_us),
            paid_online: h.fee_channel == "online",
            rated_unsatisfied: h.rating == "unsatisfied",
        },
    )
}

/// The tables whose ids generated history writes explicitly (see [`crate::bulk_work`]).
pub const EXPLICIT_ID_TABLES: [&str; 3] = ["work_items", "directives", "report_templates"];

/// After writing in bulk on PostgreSQL: moves each identity sequence past the explicit
/// ids, so the next record gets the next free id, and gathers the planner's statistics.
pub async fn finish(store: &Store) -> Result<()> {
    if store.dialect() == Dialect::Postgres {
        for table in EXPLICIT_ID_TABLES {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(store.reader())
                .await?;
        }
        // The planner's statistics, now rather than whenever autovacuum comes round: a
        // table loaded from empty has none, and without them PostgreSQL guessed 62,000
        // events per item, JIT-compiled every public lookup (134 lookups a second
        // instead of 3,600) and took 760 ms for the cockpit instead of 33.
        sqlx::query("ANALYZE").execute(store.reader()).await?;
    }
    Ok(())
}

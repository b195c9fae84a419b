//! Writing generated history of the other kinds of work in bulk, beside the dossiers of
//! [`crate::bulk`]: citizen reports, directives with their tasks, periodic report
//! templates with their obligations, and obstacles, each with its work item and event
//! history. Ids are chosen by the caller (the next free ones of a fresh database), many
//! rows go in one statement (at most 480 parameters), and nothing is audited: the history
//! is the generator's or the import's. [`crate::bulk::finish`] moves the PostgreSQL
//! identity sequences past the written ids.

use crate::bulk::{placeholders, rows_per_statement};
use crate::{Result, Store, StoreError, Tx};
use dieuhanh_core::text::fold;
use sqlx::Row;

/// One step of an item's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at_us: i64,
    pub actor_id: Option<i64>,
    pub action: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub note: String,
    pub progress: Option<i64>,
}

/// A work item as it stands after its history, with that history (the first event is
/// its creation).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    /// The accountable unit (the handling unit of a citizen report, the department
    /// answering an obstacle, the reporting unit of a report).
    pub unit_id: i64,
    pub kind: &'static str,
    pub state: &'static str,
    pub directive_id: Option<i64>,
    pub issuer_unit_id: i64,
    pub title: String,
    pub priority: &'static str,
    pub due_date: String,
    pub assignee_id: Option<i64>,
    pub progress: i64,
    pub created_at_us: i64,
    pub closed_on: Option<String>,
    pub events: Vec<Event>,
}

/// Writes work items and their events.
pub async fn insert_items(tx: &mut Tx, items: &[&Item]) -> Result<()> {
    const COLUMNS: usize = 13;
    for rows in items.chunks(rows_per_statement(COLUMNS)) {
        let sql = format!(
            "INSERT INTO work_items (id, unit_id, kind, state, directive_id, issuer_unit_id, title, priority, due_date, \
             assignee_id, progress, created_at_us, closed_on) VALUES {}",
            placeholders(rows.len(), COLUMNS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for w in rows {
            q = q
                .bind(w.id)
                .bind(w.unit_id)
                .bind(w.kind)
                .bind(w.state)
                .bind(w.directive_id)
                .bind(w.issuer_unit_id)
                .bind(w.title.as_str())
                .bind(w.priority)
                .bind(w.due_date.as_str())
                .bind(w.assignee_id)
                .bind(w.progress)
                .bind(w.created_at_us)
                .bind(w.closed_on.as_deref());
        }
        q.execute(&mut **tx).await?;
    }
    let events: Vec<(&Item, usize, &Event)> = items
        .iter()
        .flat_map(|w| {
            w.events
                .iter()
                .enumerate()
                .map(move |(i, e)| (*w, i + 1, e))
        })
        .collect();
    const EVENT_COLUMNS: usize = 10;
    for rows in events.chunks(rows_per_statement(EVENT_COLUMNS)) {
        let sql = format!(
            "INSERT INTO work_item_events (unit_id, item_id, seq, at_us, actor_id, action, from_state, to_state, note, \
             progress) VALUES {}",
            placeholders(rows.len(), EVENT_COLUMNS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (w, seq, e) in rows {
            q = q
                .bind(w.unit_id)
                .bind(w.id)
                .bind(*seq as i64)
                .bind(e.at_us)
                .bind(e.actor_id)
                .bind(e.action)
                .bind(e.from)
                .bind(e.to)
                .bind(e.note.as_str())
                .bind(e.progress);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A citizen report (phản ánh) beside its `citizen_report` work item.
#[derive(Debug, Clone, PartialEq)]
pub struct CitizenReport {
    pub item: Item,
    pub public_id: String,
    pub service_code: String,
    /// (lat, lon).
    pub point: Option<(f64, f64)>,
    pub description: String,
    pub answers_json: String,
    /// `portal` or `open311`.
    pub channel: &'static str,
    pub requested_at_us: i64,
    pub updated_at_us: i64,
    /// The public note of the last resolution, rejection or reopening.
    pub status_notes: String,
}

pub async fn insert_citizen_reports(tx: &mut Tx, reports: &[CitizenReport]) -> Result<()> {
    let items: Vec<&Item> = reports.iter().map(|r| &r.item).collect();
    insert_items(tx, &items).await?;
    // 15 bound columns (two more are constant NULLs) plus the flag saying whether the point
    // is given: a missing point is bound as a flag, never as a NULL double (see
    // `citizen::create`).
    const PARAMETERS: usize = 16;
    for rows in reports.chunks(rows_per_statement(PARAMETERS)) {
        let mut values = String::new();
        for r in 0..rows.len() {
            let p = |c: usize| format!("${}", r * PARAMETERS + c);
            if r > 0 {
                values.push(',');
            }
            values.push_str(&format!(
                "({}, {}, {}, {}, CASE WHEN {flag} = 1 THEN {} END, CASE WHEN {flag} = 1 THEN {} END, \
                 {}, {}, {}, {}, {}, NULL, NULL, {}, {}, {}, {})",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5),
                p(6),
                p(7),
                p(8),
                p(9),
                p(10),
                p(11),
                p(12),
                p(13),
                p(14),
                p(15),
                flag = p(16),
            ));
        }
        let sql = format!(
            "INSERT INTO citizen_reports (item_id, unit_id, public_id, service_code, lat, lon, address, address_id, \
             description, answers_json, media_url, contact_sealed, api_key_id, channel, requested_at_us, updated_at_us, \
             status_notes) VALUES {values}"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in rows {
            q = q
                .bind(r.item.id)
                .bind(r.item.unit_id)
                .bind(r.public_id.as_str())
                .bind(r.service_code.as_str())
                .bind(r.point.map_or(0.0, |p| p.0))
                .bind(r.point.map_or(0.0, |p| p.1))
                .bind("")
                .bind("")
                .bind(r.description.as_str())
                .bind(r.answers_json.as_str())
                .bind("")
                .bind(r.channel)
                .bind(r.requested_at_us)
                .bind(r.updated_at_us)
                .bind(r.status_notes.as_str())
                .bind(i64::from(r.point.is_some()));
        }
        q.execute(&mut **tx).await?;
    }
    let mut delta = dieuhanh_core::citizen_tally::Delta::default();
    for r in reports {
        let i = &r.item;
        let (Ok(due_date), Some(Ok(closed_on))) =
            (i.due_date.parse(), i.closed_on.as_deref().map(str::parse))
        else {
            continue;
        };
        let facts = dieuhanh_core::citizen_tally::Facts {
            unit_id: i.unit_id,
            requested_at_us: r.requested_at_us,
            due_date,
            closed_on: Some(closed_on),
            reopened: i.events.iter().any(|e| e.action == "reopen"),
        };
        if let Some(k) = dieuhanh_core::citizen_tally::contribution(&facts) {
            delta.add(&k, 1);
        }
    }
    crate::citizen_tallies::write(tx, &delta).await?;
    Ok(())
}

/// A directive with the tasks it assigns (one per accountable unit).
#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    pub id: i64,
    /// The issuing unit.
    pub unit_id: i64,
    pub doc_number: String,
    pub doc_date: String,
    pub signer: String,
    pub title: String,
    pub summary: String,
    pub due_date: String,
    pub created_by: Option<i64>,
    pub created_at_us: i64,
    pub tasks: Vec<Item>,
    /// Units co-operating on every task.
    pub cooperators: Vec<i64>,
}

pub async fn insert_directives(tx: &mut Tx, directives: &[Directive]) -> Result<()> {
    const COLUMNS: usize = 11;
    for rows in directives.chunks(rows_per_statement(COLUMNS)) {
        let sql = format!(
            "INSERT INTO directives (id, unit_id, doc_number, doc_date, signer, title, title_folded, summary, due_date, \
             created_by, created_at_us) VALUES {}",
            placeholders(rows.len(), COLUMNS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for d in rows {
            q = q
                .bind(d.id)
                .bind(d.unit_id)
                .bind(d.doc_number.as_str())
                .bind(d.doc_date.as_str())
                .bind(d.signer.as_str())
                .bind(d.title.as_str())
                .bind(fold(&d.title))
                .bind(d.summary.as_str())
                .bind(d.due_date.as_str())
                .bind(d.created_by)
                .bind(d.created_at_us);
        }
        q.execute(&mut **tx).await?;
    }
    let tasks: Vec<&Item> = directives.iter().flat_map(|d| d.tasks.iter()).collect();
    insert_items(tx, &tasks).await?;
    let pairs: Vec<(i64, i64)> = directives
        .iter()
        .flat_map(|d| {
            d.tasks.iter().flat_map(|t| {
                d.cooperators
                    .iter()
                    .filter(move |c| **c != t.unit_id)
                    .map(move |c| (t.id, *c))
            })
        })
        .collect();
    for rows in pairs.chunks(rows_per_statement(2)) {
        let sql = format!(
            "INSERT INTO item_cooperators (item_id, unit_id) VALUES {}",
            placeholders(rows.len(), 2)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (item, unit) in rows {
            q = q.bind(*item).bind(*unit);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A periodic report template with the units that must report and their targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub id: i64,
    /// The issuing unit.
    pub unit_id: i64,
    pub title: String,
    /// `monthly`, `quarterly`… (`reporting::Frequency::as_str`).
    pub frequency: &'static str,
    /// `cutoff` or `calendar` (`reporting::PeriodSystem::as_str`).
    pub period_system: &'static str,
    pub due_working_days: i64,
    pub fields_json: String,
    pub created_by: Option<i64>,
    pub created_at_us: i64,
    pub unit_ids: Vec<i64>,
    /// (unit, field key, target).
    pub targets: Vec<(i64, String, f64)>,
}

pub async fn insert_template(tx: &mut Tx, t: &Template) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_templates (id, unit_id, title, title_folded, frequency, period_system, due_working_days, \
         fields_json, active, created_by, created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)",
    )
    .bind(t.id)
    .bind(t.unit_id)
    .bind(t.title.as_str())
    .bind(fold(&t.title))
    .bind(t.frequency)
    .bind(t.period_system)
    .bind(t.due_working_days)
    .bind(t.fields_json.as_str())
    .bind(t.created_by)
    .bind(t.created_at_us)
    .execute(&mut **tx)
    .await?;
    for rows in t.unit_ids.chunks(rows_per_statement(2)) {
        let sql = format!(
            "INSERT INTO report_template_units (template_id, unit_id) VALUES {}",
            placeholders(rows.len(), 2)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for unit in rows {
            q = q.bind(t.id).bind(*unit);
        }
        q.execute(&mut **tx).await?;
    }
    for rows in t.targets.chunks(rows_per_statement(4)) {
        let sql = format!(
            "INSERT INTO report_targets (template_id, unit_id, field_key, target) VALUES {}",
            placeholders(rows.len(), 4)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (unit, key, target) in rows {
            q = q.bind(t.id).bind(*unit).bind(key.as_str()).bind(*target);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One unit's report for one period, beside its `report` work item.
#[derive(Debug, Clone, PartialEq)]
pub struct Obligation {
    pub item: Item,
    pub template_id: i64,
    pub period_key: String,
    pub values_json: String,
}

pub async fn insert_obligations(tx: &mut Tx, obligations: &[Obligation]) -> Result<()> {
    let items: Vec<&Item> = obligations.iter().map(|o| &o.item).collect();
    insert_items(tx, &items).await?;
    const COLUMNS: usize = 5;
    for rows in obligations.chunks(rows_per_statement(COLUMNS)) {
        let sql = format!(
            "INSERT INTO report_obligations (item_id, unit_id, template_id, period_key, values_json) VALUES {}",
            placeholders(rows.len(), COLUMNS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for o in rows {
            q = q
                .bind(o.item.id)
                .bind(o.item.unit_id)
                .bind(o.template_id)
                .bind(o.period_key.as_str())
                .bind(o.values_json.as_str());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// An obstacle beside its `obstacle` work item (owned by the answering department, the
/// raising unit being the issuer).
#[derive(Debug, Clone, PartialEq)]
pub struct Obstacle {
    pub item: Item,
    pub domain: String,
    pub description: String,
    /// The department's last answer (empty before one).
    pub answer: String,
    /// False when no route matched and it went to the coordinating office.
    pub routed: bool,
    /// The task it stands in the way of.
    pub task_id: Option<i64>,
}

pub async fn insert_obstacles(tx: &mut Tx, obstacles: &[Obstacle]) -> Result<()> {
    let items: Vec<&Item> = obstacles.iter().map(|o| &o.item).collect();
    insert_items(tx, &items).await?;
    const COLUMNS: usize = 8;
    for rows in obstacles.chunks(rows_per_statement(COLUMNS)) {
        let sql = format!(
            "INSERT INTO obstacle_details (item_id, unit_id, domain, description, answer, routed, task_id, search_folded) \
             VALUES {}",
            placeholders(rows.len(), COLUMNS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for o in rows {
            // As `obstacles::create` and `obstacles::set_answer` fold it.
            let search = if o.answer.is_empty() {
                fold(&format!("{} {}", o.item.title, o.domain))
            } else {
                fold(&format!("{} {} {}", o.item.title, o.domain, o.answer))
            };
            q = q
                .bind(o.item.id)
                .bind(o.item.unit_id)
                .bind(o.domain.as_str())
                .bind(o.description.as_str())
                .bind(o.answer.as_str())
                .bind(i64::from(o.routed))
                .bind(o.task_id)
                .bind(search);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The next free id of a table whose ids the generator writes explicitly.
pub async fn next_id(store: &Store, table: &str) -> Result<i64> {
    if !crate::bulk::EXPLICIT_ID_TABLES.contains(&table) {
        return Err(StoreError::Corrupt(format!(
            "{table} has no generated ids to continue"
        )));
    }
    let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM {table}");
    let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    Ok(n)
}

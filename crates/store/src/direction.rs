//! Directives and the work items they fan out to, with each item's event history.
//! Every change is audited on the unit it belongs to, in the same transaction.

use crate::audit::{AuditEvent, append};
use crate::filter::{Filter, Value};
use crate::{Result, Store, StoreError, Tx};
use dieuhanh_core::paging::Page;
use dieuhanh_core::text::fold;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::borrow::Cow;

pub struct NewDirective<'a> {
    /// The issuing unit.
    pub unit_id: i64,
    pub doc_number: &'a str,
    /// `YYYY-MM-DD`.
    pub doc_date: &'a str,
    pub signer: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    /// `YYYY-MM-DD`.
    pub due_date: &'a str,
    pub priority: &'a str,
    pub created_by: i64,
    /// The accountable units, one task each.
    pub unit_ids: &'a [i64],
    /// Units that co-operate on every task (a task's own lead unit is skipped).
    pub cooperator_ids: &'a [i64],
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Directive {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub doc_number: String,
    pub doc_date: String,
    pub signer: String,
    pub title: String,
    pub summary: String,
    pub due_date: String,
    pub created_at_us: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct WorkItem {
    pub id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub kind: String,
    pub state: String,
    pub directive_id: Option<i64>,
    pub issuer_unit_id: i64,
    pub title: String,
    pub priority: String,
    pub due_date: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub progress: i64,
    pub created_at_us: i64,
    pub closed_on: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ItemEvent {
    pub seq: i64,
    pub at_us: i64,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub note: String,
    pub progress: Option<i64>,
}

const DIRECTIVE_COLUMNS: &str = "d.id, d.unit_id, u.name AS unit_name, d.doc_number, d.doc_date, d.signer, d.title, \
     d.summary, d.due_date, d.created_at_us";
const DIRECTIVE_FROM: &str = "directives d JOIN units u ON u.id = d.unit_id";

pub(crate) const ITEM_COLUMNS: &str = "w.id, w.unit_id, u.code AS unit_code, u.name AS unit_name, w.kind, w.state, w.directive_id, \
     w.issuer_unit_id, w.title, w.priority, w.due_date, w.assignee_id, p.full_name AS assignee_name, w.progress, \
     w.created_at_us, w.closed_on";
pub(crate) const ITEM_FROM: &str =
    "work_items w JOIN units u ON u.id = w.unit_id LEFT JOIN users p ON p.id = w.assignee_id";

fn directive_row(r: &AnyRow) -> Result<Directive> {
    Ok(Directive {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        doc_number: r.try_get("doc_number")?,
        doc_date: r.try_get("doc_date")?,
        signer: r.try_get("signer")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        due_date: r.try_get("due_date")?,
        created_at_us: r.try_get("created_at_us")?,
    })
}

pub(crate) fn item_row(r: &AnyRow) -> Result<WorkItem> {
    Ok(WorkItem {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        kind: r.try_get("kind")?,
        state: r.try_get("state")?,
        directive_id: r.try_get("directive_id")?,
        issuer_unit_id: r.try_get("issuer_unit_id")?,
        title: r.try_get("title")?,
        priority: r.try_get("priority")?,
        due_date: r.try_get("due_date")?,
        assignee_id: r.try_get("assignee_id")?,
        assignee_name: r.try_get("assignee_name")?,
        progress: r.try_get("progress")?,
        created_at_us: r.try_get("created_at_us")?,
        closed_on: r.try_get("closed_on")?,
    })
}

/// Records a directive and one task per accountable unit, in one transaction.
pub async fn create_directive(
    tx: &mut Tx,
    new: &NewDirective<'_>,
    initial_state: &str,
) -> Result<i64> {
    let now = dieuhanh_core::time::now_us();
    let id: i64 = sqlx::query(
        "INSERT INTO directives (unit_id, doc_number, doc_date, signer, title, title_folded, summary, due_date, created_by, created_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(new.unit_id)
    .bind(new.doc_number)
    .bind(new.doc_date)
    .bind(new.signer)
    .bind(new.title)
    .bind(fold(new.title))
    .bind(new.summary)
    .bind(new.due_date)
    .bind(new.created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    append(
        tx,
        AuditEvent {
            unit_id: new.unit_id,
            actor_id: Some(new.created_by),
            entity: "directive",
            entity_id: id.to_string(),
            action: "directive.issue",
            summary: json!({"after": {"doc_number": new.doc_number, "title": new.title, "due_date": new.due_date, "units": new.unit_ids.len()}}),
        },
    )
    .await?;
    for &unit_id in new.unit_ids {
        let item_id = insert_item(
            tx,
            &NewItem {
                unit_id,
                kind: "task",
                state: initial_state,
                directive_id: Some(id),
                issuer_unit_id: new.unit_id,
                title: new.title,
                priority: new.priority,
                due_date: new.due_date,
                created_by: Some(new.created_by),
                origin: "",
            },
        )
        .await?;
        append(
            tx,
            AuditEvent {
                unit_id,
                actor_id: Some(new.created_by),
                entity: "task",
                entity_id: item_id.to_string(),
                action: "task.create",
                summary: json!({"after": {"title": new.title, "due_date": new.due_date, "directive": id}}),
            },
        )
        .await?;
        let cooperators: Vec<i64> = new
            .cooperator_ids
            .iter()
            .copied()
            .filter(|c| *c != unit_id)
            .collect();
        add_cooperators(tx, item_id, &cooperators, new.created_by).await?;
    }
    Ok(id)
}

/// Records the units that co-operate on an item; each learns of it in its own trail.
pub async fn add_cooperators(
    tx: &mut Tx,
    item_id: i64,
    unit_ids: &[i64],
    actor: i64,
) -> Result<()> {
    for &unit_id in unit_ids {
        sqlx::query(
            "INSERT INTO item_cooperators (item_id, unit_id) VALUES ($1, $2) ON CONFLICT (item_id, unit_id) DO NOTHING",
        )
        .bind(item_id)
        .bind(unit_id)
        .execute(&mut **tx)
        .await?;
        append(
            tx,
            AuditEvent {
                unit_id,
                actor_id: Some(actor),
                entity: "task",
                entity_id: item_id.to_string(),
                action: "task.cooperate",
                summary: json!({"after": {"item": item_id}}),
            },
        )
        .await?;
    }
    Ok(())
}

/// The units co-operating on an item: (id, code, name).
pub async fn cooperators(store: &Store, item_id: i64) -> Result<Vec<(i64, String, String)>> {
    let rows = sqlx::query(
        "SELECT u.id, u.code, u.name FROM item_cooperators c JOIN units u ON u.id = c.unit_id \
         WHERE c.item_id = $1 ORDER BY u.name",
    )
    .bind(item_id)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("code")?, r.try_get("name")?)))
        .collect()
}

pub async fn is_cooperator(store: &Store, item_id: i64, unit_id: i64) -> Result<bool> {
    Ok(
        sqlx::query("SELECT 1 AS x FROM item_cooperators WHERE item_id = $1 AND unit_id = $2")
            .bind(item_id)
            .bind(unit_id)
            .fetch_optional(store.reader())
            .await?
            .is_some(),
    )
}

/// Whether `unit_id` leads or co-operates on a task of the directive.
pub async fn unit_has_task_of(store: &Store, directive_id: i64, unit_id: i64) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM work_items w WHERE w.directive_id = $1 AND (w.unit_id = $2 OR EXISTS \
         (SELECT 1 FROM item_cooperators c WHERE c.item_id = w.id AND c.unit_id = $2)) LIMIT 1",
    )
    .bind(directive_id)
    .bind(unit_id)
    .fetch_optional(store.reader())
    .await?
    .is_some())
}

/// A new work item of any kind, in its initial state.
pub(crate) struct NewItem<'a> {
    pub unit_id: i64,
    pub kind: &'a str,
    pub state: &'a str,
    pub directive_id: Option<i64>,
    pub issuer_unit_id: i64,
    pub title: &'a str,
    pub priority: &'a str,
    pub due_date: &'a str,
    pub created_by: Option<i64>,
    /// Recorded on the item's first event (e.g. "field visit 2026-11-20").
    pub origin: &'a str,
}

/// Inserts a work item and its first event; the caller audits it.
pub(crate) async fn insert_item(tx: &mut Tx, new: &NewItem<'_>) -> Result<i64> {
    insert_item_at(tx, new, dieuhanh_core::time::now_us()).await
}

/// A new work item whose work began at `at_us` (a citizen report's: when it was made).
pub(crate) async fn insert_item_at(tx: &mut Tx, new: &NewItem<'_>, at_us: i64) -> Result<i64> {
    let item_id: i64 = sqlx::query(
        "INSERT INTO work_items (unit_id, kind, state, directive_id, issuer_unit_id, title, priority, due_date, progress, created_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9) RETURNING id",
    )
    .bind(new.unit_id)
    .bind(new.kind)
    .bind(new.state)
    .bind(new.directive_id)
    .bind(new.issuer_unit_id)
    .bind(new.title)
    .bind(new.priority)
    .bind(new.due_date)
    .bind(at_us)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    insert_event(
        tx,
        new.unit_id,
        item_id,
        1,
        new.created_by,
        "create",
        "",
        new.state,
        new.origin,
        None,
    )
    .await?;
    Ok(item_id)
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_event(
    tx: &mut Tx,
    unit_id: i64,
    item_id: i64,
    seq: i64,
    actor: Option<i64>,
    action: &str,
    from: &str,
    to: &str,
    note: &str,
    progress: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO work_item_events (unit_id, item_id, seq, at_us, actor_id, action, from_state, to_state, note, progress) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(unit_id)
    .bind(item_id)
    .bind(seq)
    .bind(dieuhanh_core::time::now_us())
    .bind(actor)
    .bind(action)
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(progress)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A change decided by the workflow engine, with the fields the action sets.
pub struct Change<'a> {
    pub action: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub actor: i64,
    pub note: Cow<'a, str>,
    pub progress: Option<i64>,
    pub assignee_id: Option<i64>,
    pub due_date: Option<Cow<'a, str>>,
    pub closed_on: Option<Cow<'a, str>>,
    /// The item is open again (e.g. a report returned for correction): clears `closed_on`.
    pub reopen: bool,
}

impl Change<'_> {
    /// The same change owning its text, for a write job (`Store::write`).
    pub fn into_owned(self) -> Change<'static> {
        Change {
            action: self.action,
            from: self.from,
            to: self.to,
            actor: self.actor,
            note: Cow::Owned(self.note.into_owned()),
            progress: self.progress,
            assignee_id: self.assignee_id,
            due_date: self.due_date.map(|d| Cow::Owned(d.into_owned())),
            closed_on: self.closed_on.map(|d| Cow::Owned(d.into_owned())),
            reopen: self.reopen,
        }
    }
}

/// Applies a checked transition. The update only succeeds if the item is still in the
/// state the check saw, so two people acting at once cannot both move it.
pub async fn apply(tx: &mut Tx, item: &WorkItem, change: &Change<'_>) -> Result<()> {
    let citizen_before = if item.kind == "citizen_report" {
        Some(crate::citizen_tallies::current(tx, item.id).await?)
    } else {
        None
    };
    let done = sqlx::query(
        "UPDATE work_items SET state = $1, progress = COALESCE($2, progress), assignee_id = COALESCE($3, assignee_id), \
         due_date = COALESCE($4, due_date), \
         closed_on = CASE WHEN $8 = 1 THEN NULL ELSE COALESCE($5, closed_on) END WHERE id = $6 AND state = $7",
    )
    .bind(change.to)
    .bind(change.progress)
    .bind(change.assignee_id)
    .bind(change.due_date.as_deref())
    .bind(change.closed_on.as_deref())
    .bind(item.id)
    .bind(change.from)
    .bind(i64::from(change.reopen))
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "task {} changed meanwhile",
            item.id
        )));
    }
    // The next number of the item's history, found by the insert itself: one statement
    // less inside the write transaction, which every writer waits for.
    sqlx::query(
        "INSERT INTO work_item_events (unit_id, item_id, seq, at_us, actor_id, action, from_state, to_state, note, progress) \
         SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9 FROM work_item_events WHERE item_id = $2",
    )
    .bind(item.unit_id)
    .bind(item.id)
    .bind(dieuhanh_core::time::now_us())
    .bind(change.actor)
    .bind(change.action)
    .bind(change.from)
    .bind(change.to)
    .bind(change.note.as_ref())
    .bind(change.progress)
    .execute(&mut **tx)
    .await?;
    if let Some(before) = citizen_before {
        crate::citizen_tallies::settle(tx, item.id, before).await?;
    }
    append(
        tx,
        AuditEvent {
            unit_id: item.unit_id,
            actor_id: Some(change.actor),
            entity: &item.kind,
            entity_id: item.id.to_string(),
            action: &format!("{}.{}", item.kind, change.action),
            summary: json!({
                "before": {"state": change.from},
                "after": {"state": change.to, "note": change.note, "progress": change.progress, "due_date": change.due_date},
            }),
        },
    )
    .await?;
    Ok(())
}

pub async fn directive(store: &Store, id: i64) -> Result<Directive> {
    let sql = format!("SELECT {DIRECTIVE_COLUMNS} FROM {DIRECTIVE_FROM} WHERE d.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    directive_row(&row)
}

/// Directives issued by `issuer` (every directive when `None`), newest first.
pub async fn directives(
    store: &Store,
    issuer: Option<i64>,
    page: Page,
) -> Result<(Vec<Directive>, i64)> {
    let mut f = Filter::default();
    if let Some(unit) = issuer {
        f.and("d.unit_id = {0}", vec![Value::Int(unit)]);
    }
    let (rows, total) = f
        .page(
            store,
            DIRECTIVE_COLUMNS,
            DIRECTIVE_FROM,
            "d.created_at_us DESC, d.id DESC",
            page,
        )
        .await?;
    Ok((
        rows.iter().map(directive_row).collect::<Result<_>>()?,
        total,
    ))
}

pub async fn item(store: &Store, id: i64) -> Result<WorkItem> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE w.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    item_row(&row)
}

/// Which items to list.
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    /// Items of this accountable unit, issued by it, or that it co-operates on.
    pub involving_unit: Option<i64>,
    pub directive_id: Option<i64>,
    pub open_only: bool,
    /// One kind of item (`task`, `obstacle`); every kind when `None`.
    pub kind: Option<&'static str>,
}

pub async fn items(store: &Store, query: &ItemQuery, page: Page) -> Result<(Vec<WorkItem>, i64)> {
    let mut f = Filter::default();
    if let Some(unit) = query.involving_unit {
        f.and(
            "(w.unit_id = {0} OR w.issuer_unit_id = {0} OR EXISTS \
             (SELECT 1 FROM item_cooperators c WHERE c.item_id = w.id AND c.unit_id = {0}))",
            vec![Value::Int(unit)],
        );
    }
    if let Some(d) = query.directive_id {
        f.and("w.directive_id = {0}", vec![Value::Int(d)]);
    }
    if query.open_only {
        f.and("w.closed_on IS NULL", vec![]);
    }
    if let Some(kind) = query.kind {
        f.and("w.kind = {0}", vec![Value::Text(kind.to_string())]);
    }
    let (rows, total) = f
        .page(
            store,
            ITEM_COLUMNS,
            ITEM_FROM,
            "w.due_date, u.name, w.id",
            page,
        )
        .await?;
    Ok((rows.iter().map(item_row).collect::<Result<_>>()?, total))
}

pub async fn events(store: &Store, item_id: i64) -> Result<Vec<ItemEvent>> {
    let rows = sqlx::query(
        "SELECT e.seq, e.at_us, p.full_name AS actor_name, e.action, e.from_state, e.to_state, e.note, e.progress \
         FROM work_item_events e LEFT JOIN users p ON p.id = e.actor_id WHERE e.item_id = $1 ORDER BY e.seq",
    )
    .bind(item_id)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ItemEvent {
                seq: r.try_get("seq")?,
                at_us: r.try_get("at_us")?,
                actor_name: r.try_get("actor_name")?,
                action: r.try_get("action")?,
                from_state: r.try_get("from_state")?,
                to_state: r.try_get("to_state")?,
                note: r.try_get("note")?,
                progress: r.try_get("progress")?,
            })
        })
        .collect()
}

/// Tasks of a directive: how many, how many done, how many overdue today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectiveCounts {
    pub total: i64,
    pub done: i64,
    pub overdue: i64,
}

/// Counts for many directives in one grouped query (a list page shows a page of them).
pub async fn directive_counts(
    store: &Store,
    directive_ids: &[i64],
    today: &str,
) -> Result<std::collections::HashMap<i64, DirectiveCounts>> {
    if directive_ids.is_empty() {
        return Ok(Default::default());
    }
    let placeholders: Vec<String> = (0..directive_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT directive_id, CAST(COUNT(*) AS BIGINT) AS total, \
           CAST(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) AS BIGINT) AS done, \
           CAST(SUM(CASE WHEN closed_on IS NULL AND due_date < $1 THEN 1 ELSE 0 END) AS BIGINT) AS overdue \
         FROM work_items WHERE directive_id IN ({}) GROUP BY directive_id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(today);
    for id in directive_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(store.reader()).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("directive_id")?,
                DirectiveCounts {
                    total: r.try_get("total")?,
                    done: r.try_get("done")?,
                    overdue: r.try_get("overdue")?,
                },
            ))
        })
        .collect()
}

/// Per official, work they finished and how much of it on time (tasks done, citizen
/// reports resolved): (user id, on time, finished). A service-quality signal for staffing.
pub async fn assignee_on_time(store: &Store) -> Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT assignee_id, \
           CAST(SUM(CASE WHEN closed_on <= due_date THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
           CAST(COUNT(*) AS BIGINT) AS finished \
         FROM work_items WHERE assignee_id IS NOT NULL AND closed_on IS NOT NULL \
           AND state IN ('done', 'resolved') GROUP BY assignee_id",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("assignee_id")?,
                r.try_get("on_time")?,
                r.try_get("finished")?,
            ))
        })
        .collect()
}

/// Work-item counts of one unit, for the cockpit.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct UnitCounts {
    pub unit_id: i64,
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub done_on_time: i64,
    pub done_late: i64,
}

/// Counts per accountable unit, for the cockpit: open work (overdue, due soon) from the
/// index of open items, and work finished since `closed_since` (on time or late; not
/// cancelled or withdrawn) from the index by closing date, so neither reads the closed
/// history of years. Dates are `YYYY-MM-DD` (ISO dates compare correctly as text).
pub async fn unit_counts(
    store: &Store,
    kind: &str,
    today: &str,
    soon_until: &str,
    closed_since: &str,
) -> Result<Vec<UnitCounts>> {
    let (open, done) = tokio::try_join!(
        open_counts(store, kind, today, soon_until),
        done_counts(store, kind, closed_since)
    )?;
    let mut counts: std::collections::BTreeMap<i64, UnitCounts> =
        open.into_iter().map(|c| (c.unit_id, c)).collect();
    for d in done {
        let c = counts.entry(d.unit_id).or_default();
        c.unit_id = d.unit_id;
        c.done_on_time = d.done_on_time;
        c.done_late = d.done_late;
    }
    Ok(counts.into_values().collect())
}

/// Per unit, the open items of a kind: all, overdue, and due by `soon_until`.
pub async fn open_counts(
    store: &Store,
    kind: &str,
    today: &str,
    soon_until: &str,
) -> Result<Vec<UnitCounts>> {
    let rows = sqlx::query(
        "SELECT unit_id, CAST(COUNT(*) AS BIGINT) AS open, \
           CAST(SUM(CASE WHEN due_date < $1 THEN 1 ELSE 0 END) AS BIGINT) AS overdue, \
           CAST(SUM(CASE WHEN due_date >= $1 AND due_date <= $2 THEN 1 ELSE 0 END) AS BIGINT) AS due_soon \
         FROM work_items WHERE kind = $3 AND closed_on IS NULL GROUP BY unit_id",
    )
    .bind(today)
    .bind(soon_until)
    .bind(kind)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UnitCounts {
                unit_id: r.try_get("unit_id")?,
                open: r.try_get("open")?,
                overdue: r.try_get("overdue")?,
                due_soon: r.try_get("due_soon")?,
                ..UnitCounts::default()
            })
        })
        .collect()
}

/// Per unit, the items of a kind finished since `closed_since` (not cancelled or
/// withdrawn): on time and late.
async fn done_counts(store: &Store, kind: &str, closed_since: &str) -> Result<Vec<UnitCounts>> {
    let rows = sqlx::query(
        "SELECT unit_id, \
           CAST(SUM(CASE WHEN closed_on <= due_date THEN 1 ELSE 0 END) AS BIGINT) AS done_on_time, \
           CAST(SUM(CASE WHEN closed_on > due_date THEN 1 ELSE 0 END) AS BIGINT) AS done_late \
         FROM work_items WHERE kind = $1 AND closed_on >= $2 AND state NOT IN ('cancelled', 'withdrawn') \
         GROUP BY unit_id",
    )
    .bind(kind)
    .bind(closed_since)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UnitCounts {
                unit_id: r.try_get("unit_id")?,
                done_on_time: r.try_get("done_on_time")?,
                done_late: r.try_get("done_late")?,
                ..UnitCounts::default()
            })
        })
        .collect()
}

/// A task not attached to a directive (e.g. a follow-up decided during a field visit).
pub struct NewTask<'a> {
    pub unit_id: i64,
    pub issuer_unit_id: i64,
    pub title: &'a str,
    pub due_date: &'a str,
    pub priority: &'a str,
    pub created_by: i64,
    /// Where the task comes from, for the trail (e.g. "visit 12").
    pub origin: &'a str,
}

pub async fn create_task(tx: &mut Tx, new: &NewTask<'_>, initial_state: &str) -> Result<i64> {
    let item_id = insert_item(
        tx,
        &NewItem {
            unit_id: new.unit_id,
            kind: "task",
            state: initial_state,
            directive_id: None,
            issuer_unit_id: new.issuer_unit_id,
            title: new.title,
            priority: new.priority,
            due_date: new.due_date,
            created_by: Some(new.created_by),
            origin: new.origin,
        },
    )
    .await?;
    append(
        tx,
        AuditEvent {
            unit_id: new.unit_id,
            actor_id: Some(new.created_by),
            entity: "task",
            entity_id: item_id.to_string(),
            action: "task.create",
            summary: json!({"after": {"title": new.title, "due_date": new.due_date, "origin": new.origin}}),
        },
    )
    .await?;
    Ok(item_id)
}

/// Open tasks nobody has been assigned to, created before `created_before_us`.
pub async fn unassigned_tasks(store: &Store, created_before_us: i64) -> Result<Vec<WorkItem>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE w.kind = 'task' AND w.closed_on IS NULL \
         AND w.assignee_id IS NULL AND w.created_at_us < $1 ORDER BY w.created_at_us, w.id LIMIT 500"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(created_before_us)
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(item_row).collect()
}

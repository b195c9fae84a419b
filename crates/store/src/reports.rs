//! Periodic reports: templates (issued by a unit, with typed fields and the units that
//! must report), one obligation per unit and period (a work item of kind `report` with
//! its values beside it), and targets per unit and field.

use crate::audit::{AuditEvent, append};
use crate::direction::{NewItem, WorkItem, insert_item};
use crate::{Result, Store, StoreError, Tx};
use dieuhanh_core::reporting::{FieldSpec, Frequency, PeriodSystem, Values};
use dieuhanh_core::text::fold;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Template {
    pub id: i64,
    /// The issuing unit.
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub frequency: Frequency,
    pub period_system: PeriodSystem,
    /// Working days after the period's last day within which a report is due.
    pub due_working_days: i64,
    pub fields: Vec<FieldSpec>,
    pub active: bool,
    /// How many units in force must report (a unit closed by a reorganisation no longer
    /// counts).
    pub unit_count: i64,
    /// Who defined it (recorded as the opener of its obligations).
    pub created_by: Option<i64>,
    pub created_at_us: i64,
}

pub struct NewTemplate<'a> {
    pub unit_id: i64,
    pub title: &'a str,
    pub frequency: Frequency,
    pub period_system: PeriodSystem,
    pub due_working_days: i64,
    pub fields: &'a [FieldSpec],
    pub unit_ids: &'a [i64],
    pub created_by: i64,
}

const TEMPLATE_COLUMNS: &str = "t.id, t.unit_id, u.name AS unit_name, t.title, t.frequency, t.period_system, \
     t.due_working_days, t.fields_json, t.active, t.created_by, t.created_at_us, \
     (SELECT COUNT(*) FROM report_template_units m JOIN units x ON x.id = m.unit_id \
      WHERE m.template_id = t.id AND x.valid_to IS NULL) AS unit_count";

fn template_row(r: &AnyRow) -> Result<Template> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("report template: {what}"));
    let frequency: String = r.try_get("frequency")?;
    let system: String = r.try_get("period_system")?;
    let fields: String = r.try_get("fields_json")?;
    Ok(Template {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        unit_name: r.try_get("unit_name")?,
        title: r.try_get("title")?,
        frequency: Frequency::parse(&frequency).ok_or_else(|| corrupt(&frequency))?,
        period_system: PeriodSystem::parse(&system).ok_or_else(|| corrupt(&system))?,
        due_working_days: r.try_get("due_working_days")?,
        fields: serde_json::from_str(&fields).map_err(|e| corrupt(&e.to_string()))?,
        active: crate::flag(r.try_get("active")?),
        unit_count: r.try_get("unit_count")?,
        created_by: r.try_get("created_by")?,
        created_at_us: r.try_get("created_at_us")?,
    })
}

pub async fn create_template(tx: &mut Tx, new: &NewTemplate<'_>) -> Result<i64> {
    let fields = serde_json::to_string(new.fields)
        .map_err(|e| StoreError::Corrupt(format!("report fields: {e}")))?;
    let id: i64 = sqlx::query(
        "INSERT INTO report_templates (unit_id, title, title_folded, frequency, period_system, due_working_days, \
         fields_json, active, created_by, created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id",
    )
    .bind(new.unit_id)
    .bind(new.title)
    .bind(fold(new.title))
    .bind(new.frequency.as_str())
    .bind(new.period_system.as_str())
    .bind(new.due_working_days)
    .bind(&fields)
    .bind(new.created_by)
    .bind(dieuhanh_core::time::now_us())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    for &unit_id in new.unit_ids {
        sqlx::query("INSERT INTO report_template_units (template_id, unit_id) VALUES ($1, $2)")
            .bind(id)
            .bind(unit_id)
            .execute(&mut **tx)
            .await?;
    }
    append(
        tx,
        AuditEvent {
            unit_id: new.unit_id,
            actor_id: Some(new.created_by),
            entity: "report_template",
            entity_id: id.to_string(),
            action: "report_template.create",
            summary: json!({"after": {
                "title": new.title, "frequency": new.frequency.as_str(),
                "period_system": new.period_system.as_str(), "due_working_days": new.due_working_days,
                "fields": new.fields.len(), "units": new.unit_ids.len(),
            }}),
        },
    )
    .await?;
    Ok(id)
}

pub async fn template(store: &Store, id: i64) -> Result<Template> {
    let sql = format!(
        "SELECT {TEMPLATE_COLUMNS} FROM report_templates t JOIN units u ON u.id = t.unit_id WHERE t.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    template_row(&row)
}

/// Templates issued by `unit` or that `unit` must report on (every template when
/// `None`), newest first.
pub async fn templates(store: &Store, involving_unit: Option<i64>) -> Result<Vec<Template>> {
    let filter = if involving_unit.is_some() {
        "WHERE t.unit_id = $1 OR EXISTS (SELECT 1 FROM report_template_units m \
         WHERE m.template_id = t.id AND m.unit_id = $1)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {TEMPLATE_COLUMNS} FROM report_templates t JOIN units u ON u.id = t.unit_id {filter} \
         ORDER BY t.created_at_us DESC, t.id DESC"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(unit) = involving_unit {
        query = query.bind(unit);
    }
    let rows = query.fetch_all(store.reader()).await?;
    rows.iter().map(template_row).collect()
}

/// The units that must report on a template.
pub async fn template_units(store: &Store, template_id: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT unit_id FROM report_template_units WHERE template_id = $1 ORDER BY unit_id",
    )
    .bind(template_id)
    .fetch_all(store.reader())
    .await?;
    rows.iter().map(|r| Ok(r.try_get("unit_id")?)).collect()
}

/// Opens the obligations of one period for every unit that must report and has none
/// yet. Idempotent: a second call (or a second server process) opens nothing more,
/// and the unique key stops a concurrent duplicate. Returns how many were opened.
pub async fn open_period(
    store: &Store,
    template: &Template,
    period_key: &str,
    title: &str,
    due_date: &str,
    created_by: i64,
    initial_state: &str,
) -> Result<usize> {
    let required = template_units(store, template.id).await?;
    let existing: Vec<i64> = sqlx::query(
        "SELECT unit_id FROM report_obligations WHERE template_id = $1 AND period_key = $2",
    )
    .bind(template.id)
    .bind(period_key)
    .fetch_all(store.reader())
    .await?
    .iter()
    .map(|r| r.try_get("unit_id"))
    .collect::<std::result::Result<_, _>>()?;
    let missing: Vec<i64> = required
        .into_iter()
        .filter(|u| !existing.contains(u))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let mut tx = store.begin().await?;
    for &unit_id in &missing {
        let item_id = insert_item(
            &mut tx,
            &NewItem {
                unit_id,
                kind: "report",
                state: initial_state,
                directive_id: None,
                issuer_unit_id: template.unit_id,
                title,
                priority: "normal",
                due_date,
                created_by: Some(created_by),
                origin: period_key,
            },
        )
        .await?;
        sqlx::query(
            "INSERT INTO report_obligations (item_id, unit_id, template_id, period_key, values_json) \
             VALUES ($1, $2, $3, $4, '{}')",
        )
        .bind(item_id)
        .bind(unit_id)
        .bind(template.id)
        .bind(period_key)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            AuditEvent {
                unit_id,
                actor_id: None,
                entity: "report",
                entity_id: item_id.to_string(),
                action: "report.open",
                summary: json!({"after": {"template": template.id, "period": period_key, "due_date": due_date}}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(missing.len())
}

/// One unit's report for one period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Obligation {
    pub item: WorkItem,
    pub template_id: i64,
    pub period_key: String,
    pub values: Values,
}

fn obligation_row(r: &AnyRow) -> Result<Obligation> {
    let values: String = r.try_get("values_json")?;
    Ok(Obligation {
        item: crate::direction::item_row(r)?,
        template_id: r.try_get("template_id")?,
        period_key: r.try_get("period_key")?,
        values: serde_json::from_str(&values)
            .map_err(|e| StoreError::Corrupt(format!("report values: {e}")))?,
    })
}

fn obligation_sql(filter: &str) -> String {
    format!(
        "SELECT {}, o.template_id, o.period_key, o.values_json FROM {} \
         JOIN report_obligations o ON o.item_id = w.id WHERE {filter} ORDER BY u.name, w.id",
        crate::direction::ITEM_COLUMNS,
        crate::direction::ITEM_FROM
    )
}

pub async fn obligation(store: &Store, item_id: i64) -> Result<Obligation> {
    let row = sqlx::query(sqlx::AssertSqlSafe(obligation_sql("w.id = $1")))
        .bind(item_id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    obligation_row(&row)
}

/// Every unit's report on a template for one period.
pub async fn obligations(
    store: &Store,
    template_id: i64,
    period_key: &str,
) -> Result<Vec<Obligation>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(obligation_sql(
        "o.template_id = $1 AND o.period_key = $2",
    )))
    .bind(template_id)
    .bind(period_key)
    .fetch_all(store.reader())
    .await?;
    rows.iter().map(obligation_row).collect()
}

/// The periods a template has obligations for, newest first.
pub async fn periods(store: &Store, template_id: i64) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT DISTINCT period_key FROM report_obligations WHERE template_id = $1 ORDER BY period_key DESC",
    )
    .bind(template_id)
    .fetch_all(store.reader())
    .await?;
    rows.iter().map(|r| Ok(r.try_get("period_key")?)).collect()
}

/// Saves a draft's values (no change of state), audited on the reporting unit. Only an
/// open report can be changed; the update checks it is still open.
pub async fn save_values(tx: &mut Tx, item: &WorkItem, values: &Values, actor: i64) -> Result<()> {
    let text = serde_json::to_string(values)
        .map_err(|e| StoreError::Corrupt(format!("report values: {e}")))?;
    let done = sqlx::query(
        "UPDATE report_obligations SET values_json = $1 WHERE item_id = $2 \
         AND EXISTS (SELECT 1 FROM work_items w WHERE w.id = $2 AND w.state = $3)",
    )
    .bind(&text)
    .bind(item.id)
    .bind(&item.state)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "report {} changed meanwhile",
            item.id
        )));
    }
    append(
        tx,
        AuditEvent {
            unit_id: item.unit_id,
            actor_id: Some(actor),
            entity: "report",
            entity_id: item.id.to_string(),
            action: "report.save",
            summary: json!({"after": {"values": values}}),
        },
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Target {
    pub unit_id: i64,
    pub field_key: String,
    pub target: f64,
}

pub async fn targets(store: &Store, template_id: i64) -> Result<Vec<Target>> {
    let rows = sqlx::query(
        "SELECT unit_id, field_key, target FROM report_targets WHERE template_id = $1 ORDER BY unit_id, field_key",
    )
    .bind(template_id)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Target {
                unit_id: r.try_get("unit_id")?,
                field_key: r.try_get("field_key")?,
                target: r.try_get("target")?,
            })
        })
        .collect()
}

/// Sets targets (replacing any for the same unit and field), each audited on the unit
/// it binds.
pub async fn set_targets(
    tx: &mut Tx,
    template_id: i64,
    targets: &[Target],
    actor: i64,
) -> Result<()> {
    for t in targets {
        sqlx::query(
            "DELETE FROM report_targets WHERE template_id = $1 AND unit_id = $2 AND field_key = $3",
        )
        .bind(template_id)
        .bind(t.unit_id)
        .bind(&t.field_key)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO report_targets (template_id, unit_id, field_key, target) VALUES ($1, $2, $3, $4)",
        )
        .bind(template_id)
        .bind(t.unit_id)
        .bind(&t.field_key)
        .bind(t.target)
        .execute(&mut **tx)
        .await?;
        append(
            tx,
            AuditEvent {
                unit_id: t.unit_id,
                actor_id: Some(actor),
                entity: "report_template",
                entity_id: template_id.to_string(),
                action: "report_template.target",
                summary: json!({"after": {"field": t.field_key, "target": t.target}}),
            },
        )
        .await?;
    }
    Ok(())
}

/// Active templates that no unit has to report on (a responsibility gap).
pub async fn templates_without_units(store: &Store) -> Result<Vec<Template>> {
    Ok(templates(store, None)
        .await?
        .into_iter()
        .filter(|t| t.active && t.unit_count == 0)
        .collect())
}

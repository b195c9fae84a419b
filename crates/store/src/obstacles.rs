//! Obstacles and requests: the routing table (domain → competent department), and each
//! obstacle's details beside its work item.

use crate::audit::{AuditEvent, append};
use crate::{Result, Store, StoreError, Tx, flag};
use dieuhanh_core::org::UnitKind;
use dieuhanh_core::text::{fold, like_escape};
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Route {
    pub domain: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
}

/// Every route, seeding them from the departments' domains (data/hcmc-agencies-2025.csv)
/// on first use.
pub async fn routes(store: &Store) -> Result<Vec<Route>> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM obstacle_routes")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    if count == 0 {
        let departments: Vec<_> = crate::units::all_current(store)
            .await?
            .into_iter()
            .filter(|u| u.kind == UnitKind::Department)
            .collect();
        let mut tx = store.begin().await?;
        for d in &departments {
            for domain in d
                .domains
                .as_deref()
                .unwrap_or("")
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                // A domain named by two departments keeps the first: the register shows it.
                sqlx::query(
                    "INSERT INTO obstacle_routes (domain, domain_folded, unit_id) VALUES ($1, $2, $3) ON CONFLICT (domain) DO NOTHING",
                )
                .bind(domain)
                .bind(fold(domain))
                .bind(d.id)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
    }
    let rows = sqlx::query(
        "SELECT r.domain, r.unit_id, u.code AS unit_code, u.name AS unit_name FROM obstacle_routes r \
         JOIN units u ON u.id = r.unit_id ORDER BY r.domain_folded",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Route {
                domain: r.try_get("domain")?,
                unit_id: r.try_get("unit_id")?,
                unit_code: r.try_get("unit_code")?,
                unit_name: r.try_get("unit_name")?,
            })
        })
        .collect()
}

pub struct NewObstacle<'a> {
    pub raising_unit_id: i64,
    pub department_unit_id: i64,
    pub domain: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub due_date: &'a str,
    /// False when no route matched and the obstacle went to the coordinating office.
    pub routed: bool,
    pub task_id: Option<i64>,
    pub created_by: i64,
}

pub async fn create(tx: &mut Tx, new: &NewObstacle<'_>, initial_state: &str) -> Result<i64> {
    let item_id = crate::direction::insert_item(
        tx,
        &crate::direction::NewItem {
            unit_id: new.department_unit_id,
            kind: "obstacle",
            state: initial_state,
            directive_id: None,
            issuer_unit_id: new.raising_unit_id,
            title: new.title,
            priority: "normal",
            due_date: new.due_date,
            created_by: Some(new.created_by),
            origin: "",
        },
    )
    .await?;
    sqlx::query(
        "INSERT INTO obstacle_details (item_id, unit_id, domain, description, answer, routed, task_id, search_folded) \
         VALUES ($1, $2, $3, $4, '', $5, $6, $7)",
    )
    .bind(item_id)
    .bind(new.department_unit_id)
    .bind(new.domain)
    .bind(new.description)
    .bind(i64::from(new.routed))
    .bind(new.task_id)
    .bind(fold(&format!("{} {}", new.title, new.domain)))
    .execute(&mut **tx)
    .await?;
    for unit in [new.raising_unit_id, new.department_unit_id] {
        append(
            tx,
            AuditEvent {
                unit_id: unit,
                actor_id: Some(new.created_by),
                entity: "obstacle",
                entity_id: item_id.to_string(),
                action: "obstacle.raise",
                summary: json!({"after": {"title": new.title, "domain": new.domain, "due_date": new.due_date, "routed": new.routed}}),
            },
        )
        .await?;
    }
    Ok(item_id)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Details {
    pub domain: String,
    pub description: String,
    pub answer: String,
    pub routed: bool,
    pub task_id: Option<i64>,
}

pub async fn details(store: &Store, item_id: i64) -> Result<Details> {
    let r = sqlx::query("SELECT domain, description, answer, routed, task_id FROM obstacle_details WHERE item_id = $1")
        .bind(item_id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Details {
        domain: r.try_get("domain")?,
        description: r.try_get("description")?,
        answer: r.try_get("answer")?,
        routed: flag(r.try_get("routed")?),
        task_id: r.try_get("task_id")?,
    })
}

/// Records the department's answer (searchable by other units afterwards).
pub async fn set_answer(
    tx: &mut Tx,
    item_id: i64,
    title: &str,
    domain: &str,
    answer: &str,
) -> Result<()> {
    sqlx::query("UPDATE obstacle_details SET answer = $1, search_folded = $2 WHERE item_id = $3")
        .bind(answer)
        .bind(fold(&format!("{title} {domain} {answer}")))
        .bind(item_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PastAnswer {
    pub item_id: i64,
    pub title: String,
    pub domain: String,
    pub answer: String,
    pub department: String,
}

/// Answered obstacles whose title, domain or answer matches `query` without diacritics.
/// Descriptions stay with the units involved; answers are shared knowledge.
pub async fn search_answers(store: &Store, query: &str, limit: i64) -> Result<Vec<PastAnswer>> {
    let folded = fold(query);
    if folded.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT w.id, w.title, d.domain, d.answer, u.name AS department FROM obstacle_details d \
         JOIN work_items w ON w.id = d.item_id JOIN units u ON u.id = w.unit_id \
         WHERE d.answer <> '' AND d.search_folded LIKE $1 ESCAPE '\\' ORDER BY w.id DESC LIMIT $2",
    )
    .bind(format!("%{}%", like_escape(&folded)))
    .bind(limit)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PastAnswer {
                item_id: r.try_get("id")?,
                title: r.try_get("title")?,
                domain: r.try_get("domain")?,
                answer: r.try_get("answer")?,
                department: r.try_get("department")?,
            })
        })
        .collect()
}

/// Obstacles that reached no competent department (no route for their domain).
pub async fn unrouted(store: &Store) -> Result<Vec<(i64, String, String)>> {
    let rows = sqlx::query(
        "SELECT w.id, w.title, d.domain FROM obstacle_details d JOIN work_items w ON w.id = d.item_id \
         WHERE d.routed = 0 AND w.closed_on IS NULL ORDER BY w.id",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("title")?, r.try_get("domain")?)))
        .collect()
}

/// Per raising unit: obstacles still open, and those whose answer is overdue.
pub async fn raised_counts(store: &Store, today: &str) -> Result<Vec<(i64, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT issuer_unit_id, \
           CAST(SUM(CASE WHEN closed_on IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS open, \
           CAST(SUM(CASE WHEN closed_on IS NULL AND state = 'submitted' AND due_date < $1 THEN 1 ELSE 0 END) AS BIGINT) AS overdue \
         FROM work_items WHERE kind = 'obstacle' AND closed_on IS NULL GROUP BY issuer_unit_id",
    )
    .bind(today)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("issuer_unit_id")?,
                r.try_get("open")?,
                r.try_get("overdue")?,
            ))
        })
        .collect()
}

/// Sends `domain` to the department `unit_id` (adding or changing the route).
pub async fn set_route(tx: &mut Tx, domain: &str, unit_id: i64, actor: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO obstacle_routes (domain, domain_folded, unit_id) VALUES ($1, $2, $3) \
         ON CONFLICT (domain) DO UPDATE SET unit_id = excluded.unit_id",
    )
    .bind(domain)
    .bind(fold(domain))
    .bind(unit_id)
    .execute(&mut **tx)
    .await?;
    append(
        tx,
        AuditEvent {
            unit_id,
            actor_id: Some(actor),
            entity: "obstacle_route",
            entity_id: domain.to_string(),
            action: "obstacle_route.set",
            summary: json!({"after": {"domain": domain}}),
        },
    )
    .await?;
    Ok(())
}

pub async fn delete_route(tx: &mut Tx, domain: &str, actor: i64) -> Result<()> {
    let row = sqlx::query("DELETE FROM obstacle_routes WHERE domain = $1 RETURNING unit_id")
        .bind(domain)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let unit_id: i64 = row.try_get("unit_id")?;
    append(
        tx,
        AuditEvent {
            unit_id,
            actor_id: Some(actor),
            entity: "obstacle_route",
            entity_id: domain.to_string(),
            action: "obstacle_route.delete",
            summary: json!({"before": {"domain": domain}}),
        },
    )
    .await?;
    Ok(())
}

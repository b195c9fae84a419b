//! In-app notifications: reminders before a deadline and escalations after it.

use crate::{Result, Store};
use sqlx::Row;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Notification {
    pub id: i64,
    pub item_id: i64,
    pub item_kind: String,
    pub item_title: String,
    pub unit_name: String,
    pub due_date: String,
    /// `reminder` or `escalation`.
    pub kind: String,
    pub created_at_us: i64,
    pub read: bool,
}

/// Records a notification unless the same one (user, item, kind, day) exists: returns
/// its id when this call created it, so concurrent jobs never notify twice.
pub async fn notify(
    store: &Store,
    unit_id: i64,
    user_id: i64,
    item_id: i64,
    kind: &str,
    for_date: &str,
) -> Result<Option<i64>> {
    let mut tx = store.begin().await?;
    let created = sqlx::query(
        "INSERT INTO notifications (unit_id, user_id, item_id, kind, for_date, created_at_us) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (user_id, item_id, kind, for_date) DO NOTHING RETURNING id",
    )
    .bind(unit_id)
    .bind(user_id)
    .bind(item_id)
    .bind(kind)
    .bind(for_date)
    .bind(dieuhanh_core::time::now_us())
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()?;
    tx.commit().await?;
    Ok(created)
}

pub async fn for_user(store: &Store, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
    let rows = sqlx::query(
        "SELECT n.id, n.item_id, w.kind AS item_kind, w.title, u.name AS unit_name, w.due_date, n.kind, n.created_at_us, n.read_at_us \
         FROM notifications n JOIN work_items w ON w.id = n.item_id JOIN units u ON u.id = w.unit_id \
         WHERE n.user_id = $1 ORDER BY n.created_at_us DESC, n.id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                item_id: r.try_get("item_id")?,
                item_kind: r.try_get("item_kind")?,
                item_title: r.try_get("title")?,
                unit_name: r.try_get("unit_name")?,
                due_date: r.try_get("due_date")?,
                kind: r.try_get("kind")?,
                created_at_us: r.try_get("created_at_us")?,
                read: r.try_get::<Option<i64>, _>("read_at_us")?.is_some(),
            })
        })
        .collect()
}

pub async fn unread_count(store: &Store, user_id: i64) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at_us IS NULL",
    )
    .bind(user_id)
    .fetch_one(store.reader())
    .await?
    .try_get("n")?)
}

pub async fn mark_all_read(store: &Store, user_id: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    sqlx::query(
        "UPDATE notifications SET read_at_us = $1 WHERE user_id = $2 AND read_at_us IS NULL",
    )
    .bind(dieuhanh_core::time::now_us())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Open tasks and obstacles due on or before `until` (ISO dates), for the reminder job.
pub async fn open_items_due_by(
    store: &Store,
    until: &str,
) -> Result<Vec<(i64, i64, i64, Option<i64>, String, String)>> {
    let rows = sqlx::query(
        "SELECT id, unit_id, issuer_unit_id, assignee_id, kind, due_date FROM work_items \
         WHERE closed_on IS NULL AND due_date <= $1 AND state NOT IN ('answered') ORDER BY id",
    )
    .bind(until)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("unit_id")?,
                r.try_get("issuer_unit_id")?,
                r.try_get("assignee_id")?,
                r.try_get("kind")?,
                r.try_get("due_date")?,
            ))
        })
        .collect()
}

/// Active officials of a unit with one of the given roles.
pub async fn officials(store: &Store, unit_id: i64, roles: &[&str]) -> Result<Vec<i64>> {
    let rows = sqlx::query("SELECT id, role FROM users WHERE unit_id = $1 AND disabled = 0")
        .bind(unit_id)
        .fetch_all(store.reader())
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        let role: String = r.try_get("role")?;
        if roles.contains(&role.as_str()) {
            out.push(r.try_get("id")?);
        }
    }
    Ok(out)
}

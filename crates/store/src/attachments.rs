//! Files attached to a work item (evidence, an obstacle's papers) or to a directive (its
//! signed document), stored in the database with their SHA-256, each addition audited
//! on the unit the file belongs to.

use crate::audit::{AuditEvent, append};
use crate::{Result, Store, StoreError, Tx};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What lists show about a file (not its content).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Attachment {
    pub id: i64,
    pub unit_id: i64,
    pub item_id: Option<i64>,
    pub directive_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by_name: Option<String>,
    pub created_at_us: i64,
}

/// What the file is attached to.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Item(i64),
    Directive(i64),
}

pub struct NewAttachment<'a> {
    /// The unit the file belongs to (the item's or the directive's).
    pub unit_id: i64,
    pub owner: Owner,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
    /// `None` for a file that came with an anonymous or integrator's report.
    pub uploaded_by: Option<i64>,
}

const COLUMNS: &str = "a.id, a.unit_id, a.item_id, a.directive_id, a.file_name, a.content_type, a.size_bytes, \
     a.sha256, p.full_name AS uploaded_by_name, a.created_at_us";
const FROM: &str = "attachments a LEFT JOIN users p ON p.id = a.uploaded_by";

fn row(r: &AnyRow) -> Result<Attachment> {
    Ok(Attachment {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        item_id: r.try_get("item_id")?,
        directive_id: r.try_get("directive_id")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        uploaded_by_name: r.try_get("uploaded_by_name")?,
        created_at_us: r.try_get("created_at_us")?,
    })
}

pub async fn add(tx: &mut Tx, new: &NewAttachment<'_>) -> Result<i64> {
    let sha256 = hex::encode(Sha256::digest(new.content));
    let (item_id, directive_id) = match new.owner {
        Owner::Item(id) => (Some(id), None),
        Owner::Directive(id) => (None, Some(id)),
    };
    let id: i64 = sqlx::query(
        "INSERT INTO attachments (unit_id, item_id, directive_id, file_name, content_type, size_bytes, sha256, content, \
         uploaded_by, created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(new.unit_id)
    .bind(item_id)
    .bind(directive_id)
    .bind(new.file_name)
    .bind(new.content_type)
    .bind(new.content.len() as i64)
    .bind(&sha256)
    .bind(new.content.to_vec())
    .bind(new.uploaded_by)
    .bind(dieuhanh_core::time::now_us())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    let (entity, entity_id) = match new.owner {
        Owner::Item(id) => ("work_item", id),
        Owner::Directive(id) => ("directive", id),
    };
    append(
        tx,
        AuditEvent {
            unit_id: new.unit_id,
            actor_id: new.uploaded_by,
            entity,
            entity_id: entity_id.to_string(),
            action: "attachment.add",
            summary: json!({"after": {"file": new.file_name, "bytes": new.content.len(), "sha256": sha256, "attachment": id}}),
        },
    )
    .await?;
    Ok(id)
}

pub async fn list(store: &Store, owner: Owner) -> Result<Vec<Attachment>> {
    let (column, id) = match owner {
        Owner::Item(id) => ("a.item_id", id),
        Owner::Directive(id) => ("a.directive_id", id),
    };
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE {column} = $1 ORDER BY a.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(row).collect()
}

/// A file with its content.
pub async fn get(store: &Store, id: i64) -> Result<(Attachment, Vec<u8>)> {
    let sql = format!("SELECT {COLUMNS}, a.content FROM {FROM} WHERE a.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((row(&r)?, r.try_get("content")?))
}

//! The procedure catalogue (thủ tục hành chính): what each procedure needs, its legal term,
//! fee and legal basis (vn-admin-rules.md §6), searchable without diacritics.

use crate::audit::{AuditEvent, append};
use crate::{Result, Store, StoreError, Tx, flag};
use dieuhanh_core::dossier::{Term, TermUnit};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A document the applicant files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub name: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Procedure {
    pub code: String,
    pub name: String,
    pub domain: String,
    /// `commune`, `city` or `department:CODE` (the competent level in the catalogue).
    pub level: String,
    pub term: Term,
    /// How the term reads on the page (e.g. "Trong ngày; sau 15 giờ: ngày làm việc tiếp theo").
    pub term_note: String,
    /// The fee charged by default, in đồng (0: free).
    pub fee_vnd: i64,
    pub fee_note: String,
    pub documents: Vec<Document>,
    pub steps: Vec<String>,
    /// `full` (toàn trình), `partial` (một phần) or `none`.
    pub online_level: String,
    pub electronic_result: bool,
    pub legal_basis: String,
    pub source: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

const COLUMNS: &str = "code, name, domain, level, term_value, term_unit, term_note, fee_vnd, fee_note, \
     documents_json, steps_json, online_level, electronic_result, legal_basis, source, valid_from, valid_to";

fn row(r: &AnyRow) -> Result<Procedure> {
    let unit: String = r.try_get("term_unit")?;
    let documents: String = r.try_get("documents_json")?;
    let steps: String = r.try_get("steps_json")?;
    let value: i64 = r.try_get("term_value")?;
    Ok(Procedure {
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        domain: r.try_get("domain")?,
        level: r.try_get("level")?,
        term: Term {
            value: u32::try_from(value).map_err(|_| StoreError::Corrupt("term".into()))?,
            unit: TermUnit::parse(&unit)
                .ok_or_else(|| StoreError::Corrupt(format!("term unit {unit}")))?,
        },
        term_note: r.try_get("term_note")?,
        fee_vnd: r.try_get("fee_vnd")?,
        fee_note: r.try_get("fee_note")?,
        documents: serde_json::from_str(&documents)
            .map_err(|e| StoreError::Corrupt(format!("documents: {e}")))?,
        steps: serde_json::from_str(&steps)
            .map_err(|e| StoreError::Corrupt(format!("steps: {e}")))?,
        online_level: r.try_get("online_level")?,
        electronic_result: flag(r.try_get("electronic_result")?),
        legal_basis: r.try_get("legal_basis")?,
        source: r.try_get("source")?,
        valid_from: r.try_get("valid_from")?,
        valid_to: r.try_get("valid_to")?,
    })
}

/// Adds or replaces a procedure, audited.
pub async fn upsert(tx: &mut Tx, p: &Procedure, actor: Option<i64>, audit_unit: i64) -> Result<()> {
    let documents = serde_json::to_string(&p.documents)
        .map_err(|e| StoreError::Corrupt(format!("documents: {e}")))?;
    let steps =
        serde_json::to_string(&p.steps).map_err(|e| StoreError::Corrupt(format!("steps: {e}")))?;
    let sql = format!(
        "INSERT INTO procedures ({COLUMNS}, name_folded, updated_at_us) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
         ON CONFLICT (code) DO UPDATE SET name = $2, domain = $3, level = $4, term_value = $5, term_unit = $6, \
         term_note = $7, fee_vnd = $8, fee_note = $9, documents_json = $10, steps_json = $11, online_level = $12, \
         electronic_result = $13, legal_basis = $14, source = $15, valid_from = $16, valid_to = $17, \
         name_folded = $18, updated_at_us = $19"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&p.code)
        .bind(&p.name)
        .bind(&p.domain)
        .bind(&p.level)
        .bind(i64::from(p.term.value))
        .bind(p.term.unit.as_str())
        .bind(&p.term_note)
        .bind(p.fee_vnd)
        .bind(&p.fee_note)
        .bind(&documents)
        .bind(&steps)
        .bind(&p.online_level)
        .bind(i64::from(p.electronic_result))
        .bind(&p.legal_basis)
        .bind(&p.source)
        .bind(&p.valid_from)
        .bind(&p.valid_to)
        .bind(dieuhanh_core::text::fold(&format!(
            "{} {} {}",
            p.name, p.domain, p.code
        )))
        .bind(dieuhanh_core::time::now_us())
        .execute(&mut **tx)
        .await?;
    append(
        tx,
        AuditEvent {
            unit_id: audit_unit,
            actor_id: actor,
            entity: "procedure",
            entity_id: p.code.clone(),
            action: "procedure.save",
            summary: json!({"after": {"name": p.name, "term": p.term.value, "unit": p.term.unit.as_str(),
                                      "fee_vnd": p.fee_vnd, "level": p.level}}),
        },
    )
    .await?;
    Ok(())
}

pub async fn all(store: &Store) -> Result<Vec<Procedure>> {
    let sql = format!("SELECT {COLUMNS} FROM procedures ORDER BY domain, name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(row).collect()
}

pub async fn get(store: &Store, code: &str) -> Result<Procedure> {
    let sql = format!("SELECT {COLUMNS} FROM procedures WHERE code = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    row(&r)
}

/// Procedures whose name, domain or code contains every word of `query`, compared
/// without diacritics ("khai sinh" and "khai sinh" find "Đăng ký khai sinh"; đ folds to d).
pub async fn search(store: &Store, query: &str) -> Result<Vec<Procedure>> {
    let folded = dieuhanh_core::text::fold(query);
    let words: Vec<&str> = folded.split_whitespace().take(8).collect();
    if words.is_empty() {
        return all(store).await;
    }
    let mut sql = format!("SELECT {COLUMNS} FROM procedures WHERE 1 = 1");
    for i in 0..words.len() {
        sql.push_str(&format!(" AND name_folded LIKE ${} ESCAPE '\\'", i + 1));
    }
    sql.push_str(" ORDER BY domain, name");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for w in &words {
        q = q.bind(format!("%{}%", dieuhanh_core::text::like_escape(w)));
    }
    let rows = q.fetch_all(store.reader()).await?;
    rows.iter().map(row).collect()
}

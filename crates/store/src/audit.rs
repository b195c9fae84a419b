//! The audit trail in the database: appended in the same transaction as the change it
//! records, one hash chain per unit (see `dieuhanh_core::audit`).

use crate::filter::{Filter, Value};
use crate::{Result, Store, StoreError, Tx};
use dieuhanh_core::audit::{AuditFields, ChainBreak, ChainVerifier, GENESIS_HASH, StoredEntry};
use dieuhanh_core::paging::Page;
use dieuhanh_core::policy::Scope;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A change to record.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub unit_id: i64,
    pub actor_id: Option<i64>,
    pub entity: &'a str,
    pub entity_id: String,
    pub action: &'a str,
    pub summary: serde_json::Value,
}

/// An entry as shown to people.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub seq: i64,
    pub at_us: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub summary: String,
    pub hash: String,
}

/// Creates the empty chain of a new unit.
pub(crate) async fn create_chain(tx: &mut Tx, unit_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO audit_head (unit_id, seq, hash) VALUES ($1, 0, $2)")
        .bind(unit_id)
        .bind(GENESIS_HASH)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Appends an event to its unit's chain. The head row is updated first, which locks it
/// (PostgreSQL row lock; SQLite's single writer) so concurrent appends cannot fork it.
pub async fn append(tx: &mut Tx, event: AuditEvent<'_>) -> Result<i64> {
    let head =
        sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE unit_id = $1 RETURNING seq, hash")
            .bind(event.unit_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| {
                StoreError::Corrupt(format!("unit {} has no audit chain", event.unit_id))
            })?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let fields = AuditFields {
        unit_id: event.unit_id,
        seq,
        at_us: dieuhanh_core::time::now_us(),
        actor_id: event.actor_id,
        entity: event.entity.to_string(),
        entity_id: event.entity_id,
        action: event.action.to_string(),
        summary: event.summary.to_string(),
        prev_hash,
    };
    let hash = fields.hash();
    sqlx::query(
        "INSERT INTO audit_log (unit_id, seq, at_us, actor_id, entity, entity_id, action, summary, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(fields.unit_id)
    .bind(fields.seq)
    .bind(fields.at_us)
    .bind(fields.actor_id)
    .bind(&fields.entity)
    .bind(&fields.entity_id)
    .bind(&fields.action)
    .bind(&fields.summary)
    .bind(&fields.prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    // The head's hash follows by the trigger on audit_log (migration 0019).
    Ok(seq)
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub unit_id: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<i64>,
}

const ENTRY_COLUMNS: &str = "a.unit_id, u.code AS unit_code, u.name AS unit_name, a.seq, a.at_us, a.actor_id, \
     p.full_name AS actor_name, a.entity, a.entity_id, a.action, a.summary, a.hash";
const ENTRY_FROM: &str =
    "audit_log a JOIN units u ON u.id = a.unit_id LEFT JOIN users p ON p.id = a.actor_id";

/// Lists entries visible in `scope`, newest first.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &AuditFilter,
    page: Page,
) -> Result<(Vec<AuditEntry>, i64)> {
    let mut f = Filter::default();
    match scope {
        Scope::All => {}
        Scope::Unit(u) => {
            f.and("a.unit_id = {0}", vec![Value::Int(*u)]);
        }
        Scope::OwnActions(user) => {
            f.and("a.actor_id = {0}", vec![Value::Int(*user)]);
        }
        Scope::Nothing => return Ok((Vec::new(), 0)),
    }
    if let Some(u) = filter.unit_id {
        f.and("a.unit_id = {0}", vec![Value::Int(u)]);
    }
    if let Some(actor) = filter.actor_id {
        f.and("a.actor_id = {0}", vec![Value::Int(actor)]);
    }
    if let Some(entity) = &filter.entity {
        f.and("a.entity = {0}", vec![Value::Text(entity.clone())]);
    }
    if let Some(id) = &filter.entity_id {
        f.and("a.entity_id = {0}", vec![Value::Text(id.clone())]);
    }
    let (rows, total) = f
        .page(
            store,
            ENTRY_COLUMNS,
            ENTRY_FROM,
            "a.at_us DESC, a.unit_id, a.seq DESC",
            page,
        )
        .await?;
    let entries = rows.iter().map(entry).collect::<Result<Vec<_>>>()?;
    Ok((entries, total))
}

fn entry(r: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        unit_id: r.try_get("unit_id")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        seq: r.try_get("seq")?,
        at_us: r.try_get("at_us")?,
        actor_id: r.try_get("actor_id")?,
        actor_name: r.try_get("actor_name")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        action: r.try_get("action")?,
        summary: r.try_get("summary")?,
        hash: r.try_get("hash")?,
    })
}

/// The result of verifying every chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub chains: i64,
    pub entries: i64,
}

/// Walks every unit's chain from its first entry to the head recorded when the walk
/// starts (entries appended meanwhile by a live server are left for the next run).
/// `progress` is called with (entries checked, total entries).
pub async fn verify_all(
    store: &Store,
    mut progress: impl FnMut(i64, i64),
) -> Result<Result<VerifyReport, ChainBreak>> {
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    let heads = sqlx::query("SELECT unit_id, seq, hash FROM audit_head ORDER BY unit_id")
        .fetch_all(store.reader())
        .await?;
    // Entries whose unit has no head row would escape the walk below.
    let orphans: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_log a WHERE NOT EXISTS \
         (SELECT 1 FROM audit_head h WHERE h.unit_id = a.unit_id)",
    )
    .fetch_one(store.reader())
    .await?
    .try_get("n")?;
    if orphans > 0 {
        return Err(StoreError::Corrupt(format!(
            "{orphans} audit entries belong to no chain head"
        )));
    }
    let mut checked = 0i64;
    const BATCH: i64 = 5000;
    for head in &heads {
        let unit_id: i64 = head.try_get("unit_id")?;
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash: String = head.try_get("hash")?;
        let mut verifier = ChainVerifier::new(unit_id);
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT unit_id, seq, at_us, actor_id, entity, entity_id, action, summary, prev_hash, hash \
                 FROM audit_log WHERE unit_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
            )
            .bind(unit_id)
            .bind(after)
            .bind(head_seq)
            .bind(BATCH)
            .fetch_all(store.reader())
            .await?;
            for r in &rows {
                let stored = StoredEntry {
                    fields: AuditFields {
                        unit_id: r.try_get("unit_id")?,
                        seq: r.try_get("seq")?,
                        at_us: r.try_get("at_us")?,
                        actor_id: r.try_get("actor_id")?,
                        entity: r.try_get("entity")?,
                        entity_id: r.try_get("entity_id")?,
                        action: r.try_get("action")?,
                        summary: r.try_get("summary")?,
                        prev_hash: r.try_get("prev_hash")?,
                    },
                    hash: r.try_get("hash")?,
                };
                after = stored.fields.seq;
                if let Err(brk) = verifier.push(&stored) {
                    return Ok(Err(brk));
                }
                checked += 1;
            }
            progress(checked, total);
            if (rows.len() as i64) < BATCH {
                break;
            }
        }
        if let Err(brk) = verifier.finish(head_seq, &head_hash) {
            return Ok(Err(brk));
        }
    }
    // Heads move in the same transaction as their entries, so an entry beyond its
    // head was written behind the application's back.
    let beyond: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_log a JOIN audit_head h ON h.unit_id = a.unit_id WHERE a.seq > h.seq",
    )
    .fetch_one(store.reader())
    .await?
    .try_get("n")?;
    if beyond > 0 {
        return Err(StoreError::Corrupt(format!(
            "{beyond} audit entries lie beyond their chain's recorded head"
        )));
    }
    Ok(Ok(VerifyReport {
        chains: heads.len() as i64,
        entries: checked,
    }))
}

/// The current head of every unit's chain, by unit code.
pub async fn heads(store: &Store) -> Result<Vec<dieuhanh_core::audit::AnchorHead>> {
    let rows = sqlx::query(
        "SELECT u.code, h.seq, h.hash FROM audit_head h JOIN units u ON u.id = h.unit_id ORDER BY u.code, u.id",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(dieuhanh_core::audit::AnchorHead {
                unit: r.try_get("code")?,
                seq: r.try_get("seq")?,
                hash: r.try_get("hash")?,
            })
        })
        .collect()
}

/// Checks that every anchored head is still in its chain with the same hash. Returns
/// the anchored heads that are missing or differ.
pub async fn check_anchor(
    store: &Store,
    anchor: &dieuhanh_core::audit::Anchor,
) -> Result<Vec<dieuhanh_core::audit::AnchorHead>> {
    let mut broken = Vec::new();
    for head in &anchor.heads {
        let hash: Option<String> = if head.seq == 0 {
            Some(dieuhanh_core::audit::GENESIS_HASH.to_string())
        } else {
            sqlx::query(
                "SELECT a.hash FROM audit_log a JOIN units u ON u.id = a.unit_id WHERE u.code = $1 AND a.seq = $2",
            )
            .bind(&head.unit)
            .bind(head.seq)
            .fetch_optional(store.reader())
            .await?
            .map(|r| r.try_get("hash"))
            .transpose()?
        };
        if hash.as_deref() != Some(head.hash.as_str()) {
            broken.push(head.clone());
        }
    }
    Ok(broken)
}

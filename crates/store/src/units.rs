//! The unit register: the province, its departments and communal units, effective-dated.

use crate::filter::{Filter, Value};
use crate::{Result, Store, StoreError, Tx};
use dieuhanh_core::org::UnitKind;
use dieuhanh_core::paging::Page;
use dieuhanh_core::text::{fold, like_escape};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub province_code: String,
    pub old_province: Option<String>,
    pub domains: Option<String>,
    pub source: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

const COLUMNS: &str = "id, code, name, name_en, kind, parent_id, province_code, old_province, domains, source, valid_from, valid_to";
/// Units in force: the register keeps closed records for history.
const CURRENT: &str = "valid_to IS NULL";

fn unit(r: &AnyRow) -> Result<Unit> {
    let kind: String = r.try_get("kind")?;
    Ok(Unit {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        name_en: r.try_get("name_en")?,
        kind: UnitKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown unit kind {kind}")))?,
        parent_id: r.try_get("parent_id")?,
        province_code: r.try_get("province_code")?,
        old_province: r.try_get("old_province")?,
        domains: r.try_get("domains")?,
        source: r.try_get("source")?,
        valid_from: r.try_get("valid_from")?,
        valid_to: r.try_get("valid_to")?,
    })
}

/// A new unit to insert.
pub struct NewUnit<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub name_en: Option<&'a str>,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub province_code: &'a str,
    pub old_province: Option<&'a str>,
    pub domains: Option<&'a str>,
    pub source: &'a str,
    pub valid_from: &'a str,
}

/// Inserts a unit and opens its audit chain.
pub async fn insert(tx: &mut Tx, u: &NewUnit<'_>) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO units (code, name, name_folded, name_en, kind, parent_id, province_code, old_province, domains, source, valid_from) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(u.code)
    .bind(u.name)
    .bind(fold(u.name))
    .bind(u.name_en)
    .bind(u.kind.as_str())
    .bind(u.parent_id)
    .bind(u.province_code)
    .bind(u.old_province)
    .bind(u.domains)
    .bind(u.source)
    .bind(u.valid_from)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| StoreError::from_insert(e, &format!("unit {}", u.code)))?
    .try_get("id")?;
    crate::audit::create_chain(tx, id).await?;
    Ok(id)
}

pub async fn store_boundary(tx: &mut Tx, unit_id: i64, geometry: &str, source: &str) -> Result<()> {
    sqlx::query("INSERT INTO unit_boundaries (unit_id, geometry, source) VALUES ($1, $2, $3)")
        .bind(unit_id)
        .bind(geometry)
        .bind(source)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Every current boundary as one GeoJSON FeatureCollection with `properties.code`.
pub async fn boundaries_geojson(store: &Store) -> Result<String> {
    let rows = sqlx::query(
        "SELECT u.code, b.geometry FROM unit_boundaries b JOIN units u ON u.id = b.unit_id \
         WHERE u.valid_to IS NULL ORDER BY u.code",
    )
    .fetch_all(store.reader())
    .await?;
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[");
    for (i, r) in rows.iter().enumerate() {
        let code: String = r.try_get("code")?;
        let geometry: String = r.try_get("geometry")?;
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"type\":\"Feature\",\"properties\":{\"code\":");
        out.push_str(&serde_json::Value::String(code).to_string());
        out.push_str("},\"geometry\":");
        out.push_str(&geometry);
        out.push('}');
    }
    out.push_str("]}");
    Ok(out)
}

/// Search and filters for the unit list.
#[derive(Debug, Clone, Default)]
pub struct UnitQuery {
    /// Free text, matched against the folded name and the code.
    pub text: Option<String>,
    pub kind: Option<UnitKind>,
}

pub async fn search(store: &Store, query: &UnitQuery, page: Page) -> Result<(Vec<Unit>, i64)> {
    let mut f = Filter::default();
    f.and(CURRENT, vec![]);
    if let Some(text) = query.text.as_deref().map(fold).filter(|t| !t.is_empty()) {
        let pattern = Value::Text(format!("%{}%", like_escape(&text)));
        f.and(
            "(name_folded LIKE {0} ESCAPE '\\' OR code = {1})",
            vec![pattern, Value::Text(text)],
        );
    }
    if let Some(kind) = query.kind {
        f.and("kind = {0}", vec![Value::Text(kind.as_str().to_string())]);
    }
    // Province first, then departments, then communal units by name.
    let order = "CASE kind WHEN 'city' THEN 0 WHEN 'province' THEN 0 WHEN 'department' THEN 1 ELSE 2 END, name_folded, code";
    let (rows, total) = f.page(store, COLUMNS, "units", order, page).await?;
    Ok((rows.iter().map(unit).collect::<Result<_>>()?, total))
}

/// The current unit with this code.
pub async fn by_code(store: &Store, code: &str) -> Result<Unit> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE code = $1 AND {CURRENT}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    unit(&row)
}

pub async fn by_id(store: &Store, id: i64) -> Result<Unit> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    unit(&row)
}

/// Every current unit, for building maps and menus.
pub async fn all_current(store: &Store) -> Result<Vec<Unit>> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE {CURRENT} ORDER BY code");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(unit).collect()
}

/// Counts of current units by kind.
pub async fn count_by_kind(store: &Store) -> Result<Vec<(UnitKind, i64)>> {
    let rows = sqlx::query(
        "SELECT kind, COUNT(*) AS n FROM units WHERE valid_to IS NULL GROUP BY kind ORDER BY kind",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let n: i64 = r.try_get("n")?;
            UnitKind::parse(&kind)
                .map(|k| (k, n))
                .ok_or_else(|| StoreError::Corrupt(format!("unknown unit kind {kind}")))
        })
        .collect()
}

/// The province-level root of the installation.
pub async fn root(store: &Store) -> Result<Unit> {
    let sql = format!(
        "SELECT {COLUMNS} FROM units WHERE parent_id IS NULL AND {CURRENT} ORDER BY id LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    unit(&row)
}

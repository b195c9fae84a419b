//! Citizen reports (phản ánh): the service catalogue, integrators' Open311 API keys, and
//! each report beside its `citizen_report` work item.

use crate::audit::{AuditEvent, append};
use crate::direction::{NewItem, insert_item_at};
use crate::local_reads::{Columns, Param};
use crate::{Result, Store, StoreError, Tx, flag};
use dieuhanh_core::open311::{Answers, Attribute};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Service {
    pub code: String,
    pub name: String,
    pub description: String,
    pub group: String,
    pub keywords: String,
    /// The department responsible; `None`: the ward containing the point.
    pub department_unit_id: Option<i64>,
    pub department_name: Option<String>,
    /// Working days to resolve.
    pub deadline_days: i64,
    pub anonymous_allowed: bool,
    pub attributes: Vec<Attribute>,
    pub updated_at_us: i64,
}

const SERVICE_COLUMNS: &str = "s.code, s.name, s.description, s.group_name, s.keywords, s.department_unit_id, \
     u.name AS department_name, s.deadline_days, s.anonymous_allowed, s.attributes_json, s.updated_at_us";
const SERVICE_FROM: &str = "report_services s LEFT JOIN units u ON u.id = s.department_unit_id";

fn service_row(r: &AnyRow) -> Result<Service> {
    let attributes: String = r.try_get("attributes_json")?;
    Ok(Service {
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        group: r.try_get("group_name")?,
        keywords: r.try_get("keywords")?,
        department_unit_id: r.try_get("department_unit_id")?,
        department_name: r.try_get("department_name")?,
        deadline_days: r.try_get("deadline_days")?,
        anonymous_allowed: flag(r.try_get("anonymous_allowed")?),
        attributes: serde_json::from_str(&attributes)
            .map_err(|e| StoreError::Corrupt(format!("service attributes: {e}")))?,
        updated_at_us: r.try_get("updated_at_us")?,
    })
}

/// A category of the catalogue, as seeded or edited.
pub struct NewService<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub group: &'a str,
    pub keywords: &'a str,
    pub department_unit_id: Option<i64>,
    pub deadline_days: i64,
    pub anonymous_allowed: bool,
    pub attributes: &'a [Attribute],
}

pub async fn upsert_service(tx: &mut Tx, s: &NewService<'_>) -> Result<()> {
    let attributes = serde_json::to_string(s.attributes)
        .map_err(|e| StoreError::Corrupt(format!("service attributes: {e}")))?;
    sqlx::query(
        "INSERT INTO report_services (code, name, description, group_name, keywords, department_unit_id, deadline_days, \
         anonymous_allowed, attributes_json, active, updated_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, description = excluded.description, \
         group_name = excluded.group_name, keywords = excluded.keywords, department_unit_id = excluded.department_unit_id, \
         deadline_days = excluded.deadline_days, anonymous_allowed = excluded.anonymous_allowed, \
         attributes_json = excluded.attributes_json, active = 1, updated_at_us = excluded.updated_at_us",
    )
    .bind(s.code)
    .bind(s.name)
    .bind(s.description)
    .bind(s.group)
    .bind(s.keywords)
    .bind(s.department_unit_id)
    .bind(s.deadline_days)
    .bind(i64::from(s.anonymous_allowed))
    .bind(&attributes)
    .bind(dieuhanh_core::time::now_us())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The active catalogue, by group and code.
pub async fn services(store: &Store) -> Result<Vec<Service>> {
    let sql = format!(
        "SELECT {SERVICE_COLUMNS} FROM {SERVICE_FROM} WHERE s.active = 1 ORDER BY s.group_name, s.code"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(service_row).collect()
}

pub async fn service(store: &Store, code: &str) -> Result<Service> {
    let sql =
        format!("SELECT {SERVICE_COLUMNS} FROM {SERVICE_FROM} WHERE s.code = $1 AND s.active = 1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    service_row(&row)
}

fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Records a new integrator key (only its hash is kept); audited on the city.
pub async fn add_key(
    tx: &mut Tx,
    label: &str,
    key: &str,
    created_by: Option<i64>,
    audit_unit: i64,
) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO open311_keys (label, key_hash, created_by, created_at_us) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(label)
    .bind(key_hash(key))
    .bind(created_by)
    .bind(dieuhanh_core::time::now_us())
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    append(
        tx,
        AuditEvent {
            unit_id: audit_unit,
            actor_id: created_by,
            entity: "open311_key",
            entity_id: id.to_string(),
            action: "open311_key.create",
            summary: json!({"after": {"label": label}}),
        },
    )
    .await?;
    Ok(id)
}

pub async fn revoke_key(tx: &mut Tx, id: i64, actor: Option<i64>, audit_unit: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE open311_keys SET revoked_at_us = $1 WHERE id = $2 AND revoked_at_us IS NULL",
    )
    .bind(dieuhanh_core::time::now_us())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    append(
        tx,
        AuditEvent {
            unit_id: audit_unit,
            actor_id: actor,
            entity: "open311_key",
            entity_id: id.to_string(),
            action: "open311_key.revoke",
            summary: json!({}),
        },
    )
    .await?;
    Ok(())
}

/// The id of a valid (not revoked) key.
pub async fn key_id(store: &Store, key: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query("SELECT id FROM open311_keys WHERE key_hash = $1 AND revoked_at_us IS NULL")
            .bind(key_hash(key))
            .fetch_optional(store.reader())
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?,
    )
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyInfo {
    pub id: i64,
    pub label: String,
    pub created_at_us: i64,
    pub revoked: bool,
}

pub async fn keys(store: &Store) -> Result<Vec<KeyInfo>> {
    let rows = sqlx::query(
        "SELECT id, label, created_at_us, revoked_at_us FROM open311_keys ORDER BY id DESC",
    )
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(KeyInfo {
                id: r.try_get("id")?,
                label: r.try_get("label")?,
                created_at_us: r.try_get("created_at_us")?,
                revoked: r.try_get::<Option<i64>, _>("revoked_at_us")?.is_some(),
            })
        })
        .collect()
}

pub struct NewReport<'a> {
    /// The unit that handles it (ward, department, or the city's triage office).
    pub unit_id: i64,
    /// The city's triage office, which may reopen it.
    pub issuer_unit_id: i64,
    pub service: &'a Service,
    pub lat_lon: Option<(f64, f64)>,
    pub address: &'a str,
    pub address_id: &'a str,
    pub description: &'a str,
    pub answers: &'a Answers,
    pub media_url: &'a str,
    pub contact_sealed: Option<&'a str>,
    pub api_key_id: Option<i64>,
    /// `open311` or `portal`.
    pub channel: &'a str,
    pub due_date: &'a str,
    /// The signed-in person who filed it; `None` through Open311 or anonymously.
    pub created_by: Option<i64>,
    pub initial_state: &'a str,
}

/// Records a report and its work item; returns (item id, public id).
pub async fn create(tx: &mut Tx, new: &NewReport<'_>) -> Result<(i64, String)> {
    let title: String = if new.description.trim().is_empty() {
        new.service.name.clone()
    } else {
        let short: String = new.description.trim().chars().take(120).collect();
        format!("{}: {short}", new.service.name)
    };
    // The report and its work item begin at the same instant (indexes of work read it).
    let now = dieuhanh_core::time::now_us();
    let item_id = insert_item_at(
        tx,
        &NewItem {
            unit_id: new.unit_id,
            kind: "citizen_report",
            state: new.initial_state,
            directive_id: None,
            issuer_unit_id: new.issuer_unit_id,
            title: &title,
            priority: "normal",
            due_date: new.due_date,
            created_by: new.created_by,
            origin: new.channel,
        },
        now,
    )
    .await?;
    let year = dieuhanh_core::time::vn_date(now)
        .map(|d| d.year())
        .unwrap_or(2026);
    let public_id = dieuhanh_core::open311::public_id(year, item_id);
    let answers = serde_json::to_string(new.answers)
        .map_err(|e| StoreError::Corrupt(format!("answers: {e}")))?;
    sqlx::query(
        "INSERT INTO citizen_reports (item_id, unit_id, public_id, service_code, lat, lon, address, address_id, description, \
         answers_json, media_url, contact_sealed, api_key_id, channel, requested_at_us, updated_at_us, status_notes) \
         VALUES ($1, $2, $3, $4, CASE WHEN $16 = 1 THEN $5 END, CASE WHEN $16 = 1 THEN $6 END, \
         $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, '')",
    )
    // A missing point is bound as a flag, never as a NULL double: sqlx 0.9's Any driver
    // sends a NULL double to PostgreSQL as float4, and the statement it caches then
    // refuses the next real coordinate ("incorrect binary data format").
    .bind(item_id)
    .bind(new.unit_id)
    .bind(&public_id)
    .bind(&new.service.code)
    .bind(new.lat_lon.map_or(0.0, |p| p.0))
    .bind(new.lat_lon.map_or(0.0, |p| p.1))
    .bind(new.address)
    .bind(new.address_id)
    .bind(new.description)
    .bind(&answers)
    .bind(new.media_url)
    .bind(new.contact_sealed)
    .bind(new.api_key_id)
    .bind(new.channel)
    .bind(now)
    .bind(i64::from(new.lat_lon.is_some()))
    .execute(&mut **tx)
    .await?;
    append(
        tx,
        AuditEvent {
            unit_id: new.unit_id,
            actor_id: new.created_by,
            entity: "citizen_report",
            entity_id: item_id.to_string(),
            action: "citizen_report.create",
            summary: json!({"after": {"public_id": public_id, "service": new.service.code, "channel": new.channel,
                                      "due_date": new.due_date, "located": new.lat_lon.is_some()}}),
        },
    )
    .await?;
    Ok((item_id, public_id))
}

pub async fn set_media_url(tx: &mut Tx, item_id: i64, url: &str) -> Result<()> {
    sqlx::query("UPDATE citizen_reports SET media_url = $1 WHERE item_id = $2")
        .bind(url)
        .bind(item_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Hands a report to another unit: the item, its events and the report move to it; the
/// receiving unit's trail records the arrival (the sending unit's records the action).
pub async fn transfer(
    tx: &mut Tx,
    item: &crate::direction::WorkItem,
    unit_id: i64,
    actor: i64,
) -> Result<()> {
    for sql in [
        "UPDATE work_items SET unit_id = $1, assignee_id = NULL WHERE id = $2",
        "UPDATE work_item_events SET unit_id = $1 WHERE item_id = $2",
        "UPDATE citizen_reports SET unit_id = $1 WHERE item_id = $2",
        "UPDATE attachments SET unit_id = $1 WHERE item_id = $2",
    ] {
        sqlx::query(sql)
            .bind(unit_id)
            .bind(item.id)
            .execute(&mut **tx)
            .await?;
    }
    append(
        tx,
        AuditEvent {
            unit_id,
            actor_id: Some(actor),
            entity: "citizen_report",
            entity_id: item.id.to_string(),
            action: "citizen_report.receive",
            summary: json!({"before": {"unit": item.unit_id}, "after": {"unit": unit_id}}),
        },
    )
    .await?;
    Ok(())
}

/// Marks a public change: a new `updated_datetime`, and the public note when given.
pub async fn touch(tx: &mut Tx, item_id: i64, public_note: Option<&str>) -> Result<()> {
    sqlx::query(
        "UPDATE citizen_reports SET updated_at_us = $1, status_notes = COALESCE($2, status_notes) WHERE item_id = $3",
    )
    .bind(dieuhanh_core::time::now_us())
    .bind(public_note)
    .bind(item_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the public may know of a report (no reporter data).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicReport {
    pub item_id: i64,
    pub public_id: String,
    pub state: String,
    pub status_notes: String,
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub agency: String,
    pub unit_code: String,
    pub deadline_days: i64,
    pub requested_at_us: i64,
    pub updated_at_us: i64,
    pub due_date: String,
    pub address: String,
    pub address_id: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub media_url: String,
}

const REPORT_COLUMNS: &str = "c.item_id, c.public_id, w.state, c.status_notes, c.service_code, s.name AS service_name, \
     c.description, u.name AS agency, u.code AS unit_code, s.deadline_days, c.requested_at_us, c.updated_at_us, \
     w.due_date, c.address, c.address_id, c.lat, c.lon, c.media_url";
const REPORT_FROM: &str = "citizen_reports c JOIN work_items w ON w.id = c.item_id \
     JOIN report_services s ON s.code = c.service_code JOIN units u ON u.id = c.unit_id";

fn report_row<'a>(r: impl Into<Columns<'a>>) -> Result<PublicReport> {
    let r = r.into();
    Ok(PublicReport {
        item_id: r.get("item_id")?,
        public_id: r.get("public_id")?,
        state: r.get("state")?,
        status_notes: r.get("status_notes")?,
        service_code: r.get("service_code")?,
        service_name: r.get("service_name")?,
        description: r.get("description")?,
        agency: r.get("agency")?,
        unit_code: r.get("unit_code")?,
        deadline_days: r.get("deadline_days")?,
        requested_at_us: r.get("requested_at_us")?,
        updated_at_us: r.get("updated_at_us")?,
        due_date: r.get("due_date")?,
        address: r.get("address")?,
        address_id: r.get("address_id")?,
        lat: r.get("lat")?,
        lon: r.get("lon")?,
        media_url: r.get("media_url")?,
    })
}

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    /// When given, every other filter is ignored (spec §10).
    pub public_ids: Vec<String>,
    pub service_codes: Vec<String>,
    /// Internal states to include (empty: all).
    pub states: Vec<String>,
    pub from_us: i64,
    pub to_us: i64,
    pub unit_id: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// Reports newest first (then by id), as the query asks.
pub async fn reports(store: &Store, q: &ReportQuery) -> Result<Vec<PublicReport>> {
    let mut clauses: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut list =
        |values: &[String], column: &str, texts: &mut Vec<String>, clauses: &mut Vec<String>| {
            let marks: Vec<String> = values
                .iter()
                .map(|v| {
                    texts.push(v.clone());
                    next()
                })
                .collect();
            clauses.push(format!("{column} IN ({})", marks.join(", ")));
        };
    let mut ints: Vec<i64> = Vec::new();
    if !q.public_ids.is_empty() {
        list(&q.public_ids, "c.public_id", &mut texts, &mut clauses);
    } else {
        if !q.service_codes.is_empty() {
            list(&q.service_codes, "c.service_code", &mut texts, &mut clauses);
        }
        if !q.states.is_empty() {
            list(&q.states, "w.state", &mut texts, &mut clauses);
        }
        ints.push(q.from_us);
        ints.push(q.to_us);
    }
    let mut sql = format!("SELECT {REPORT_COLUMNS} FROM {REPORT_FROM}");
    let first_int = texts.len() + 1;
    if !ints.is_empty() {
        clauses.push(format!(
            "c.requested_at_us >= ${first_int} AND c.requested_at_us <= ${}",
            first_int + 1
        ));
    }
    if let Some(unit) = q.unit_id {
        ints.push(unit);
        clauses.push(format!("c.unit_id = ${}", texts.len() + ints.len()));
    }
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    ints.push(q.limit);
    ints.push(q.offset);
    let count = texts.len() + ints.len();
    sql.push_str(&format!(
        " ORDER BY c.requested_at_us DESC, c.item_id DESC LIMIT ${} OFFSET ${count}",
        count - 1
    ));
    let params: Vec<Param> = texts
        .into_iter()
        .map(Param::Text)
        .chain(ints.into_iter().map(Param::Int))
        .collect();
    if q.public_ids.len() == 1 && q.limit <= 10 {
        // One report asked for by its id (Open311's GET of one request): a point read.
        // A list of ids, however short the page, goes through the pool.
        return store.point_read(&sql, &params, |r| report_row(r)).await;
    }
    store.pooled_read(&sql, &params, |r| report_row(r)).await
}

pub async fn by_item(store: &Store, item_id: i64) -> Result<PublicReport> {
    let sql = format!("SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE c.item_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(item_id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    report_row(&row)
}

/// Per unit, how many citizen reports resolved since `since_us` took how many days (from
/// receipt to resolution, calendar days in Vietnam time, which is UTC+7 all year): rows of
/// (unit, days, reports), for medians. PostgreSQL counts them with GROUP BY; on SQLite the
/// index entries are read and counted here (SQLite's grouping sorts them first).
pub async fn resolution_days(store: &Store, since_us: i64) -> Result<Vec<(i64, i64, i64)>> {
    // A report's work item begins when the report is made, so the index of closed work
    // answers alone. Days are counted from 1970-01-01, of the closing date and of that
    // instant in Vietnam time, in integer arithmetic (formatting a date per row cost
    // SQLite a third of the query).
    let closed_day = match store.dialect() {
        crate::Dialect::Sqlite => "CAST(julianday(closed_on) - 2440587.5 AS BIGINT)",
        crate::Dialect::Postgres => "CAST(CAST(closed_on AS DATE) - DATE '1970-01-01' AS BIGINT)",
    };
    let days = format!("{closed_day} - (created_at_us / 1000000 + 25200) / 86400");
    // Resolved after it was made: the index of closed items by kind and date narrows it.
    let filter = "FROM work_items WHERE kind = 'citizen_report' AND closed_on >= $2 AND state = 'resolved' \
                  AND created_at_us >= $1";
    let params = vec![
        Param::Int(since_us),
        Param::Text(
            dieuhanh_core::time::vn_date(since_us)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
    ];
    let histogram = match store.dialect() {
        crate::Dialect::Postgres => {
            let sql = format!(
                "SELECT unit_id, {days} AS days, CAST(COUNT(*) AS BIGINT) AS n {filter} GROUP BY 1, 2"
            );
            store
                .pooled_read(&sql, &params, |r| {
                    Ok((r.get("unit_id")?, r.get("days")?, r.get("n")?))
                })
                .await?
        }
        // SQLite groups through a sorter: for the 16,000 reports of 90 days at `history`
        // scale the grouped statement took 8.5 ms, reading the entries alone 1.4 ms.
        crate::Dialect::Sqlite => {
            let sql = format!("SELECT unit_id, {days} AS days {filter}");
            let entries = store
                .scan_read(sql, params, |r| {
                    Ok((r.get::<i64>("unit_id")?, r.get::<i64>("days")?))
                })
                .await?;
            let mut counts: std::collections::HashMap<(i64, i64), i64> = Default::default();
            for entry in entries {
                *counts.entry(entry).or_default() += 1;
            }
            counts
                .into_iter()
                .map(|((unit, days), n)| (unit, days, n))
                .collect()
        }
    };
    Ok(histogram
        .into_iter()
        .map(|(unit, days, n)| (unit, days.max(0), n))
        .collect())
}

/// The answers given to a service's attributes.
pub async fn answers(store: &Store, item_id: i64) -> Result<Answers> {
    let text: String = sqlx::query("SELECT answers_json FROM citizen_reports WHERE item_id = $1")
        .bind(item_id)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?
        .try_get("answers_json")?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("answers: {e}")))
}

/// Several reports by their work items, in one query (a list page's rows).
pub async fn by_items(
    store: &Store,
    item_ids: &[i64],
) -> Result<std::collections::HashMap<i64, PublicReport>> {
    if item_ids.is_empty() {
        return Ok(Default::default());
    }
    let marks: Vec<String> = (1..=item_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE c.item_id IN ({})",
        marks.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in item_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(store.reader()).await?;
    rows.iter()
        .map(|r| report_row(r).map(|p| (p.item_id, p)))
        .collect()
}

/// The sealed contact of a report (for the officers handling it).
pub async fn contact(store: &Store, item_id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query("SELECT contact_sealed FROM citizen_reports WHERE item_id = $1")
            .bind(item_id)
            .fetch_optional(store.reader())
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("contact_sealed")?,
    )
}

/// The latest report of a service near a point in the last `days` days (duplicate hint):
/// within a box of about `metres` around it.
pub async fn nearby(
    store: &Store,
    service_code: &str,
    lat: f64,
    lon: f64,
    metres: f64,
    since_us: i64,
    except_item: Option<i64>,
) -> Result<Option<PublicReport>> {
    let dlat = metres / 111_320.0;
    let dlon = metres / (111_320.0 * lat.to_radians().cos().abs().max(0.1));
    let sql = format!(
        "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE c.service_code = $1 AND c.lat BETWEEN $2 AND $3 \
         AND c.lon BETWEEN $4 AND $5 AND c.requested_at_us >= $6 AND c.item_id <> $7 ORDER BY c.requested_at_us DESC LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(service_code)
        .bind(lat - dlat)
        .bind(lat + dlat)
        .bind(lon - dlon)
        .bind(lon + dlon)
        .bind(since_us)
        .bind(except_item.unwrap_or(-1))
        .fetch_optional(store.reader())
        .await?;
    row.as_ref().map(report_row).transpose()
}

/// Per handling unit, the citizen reports (PAKN) received in [`from_us`, `to_us`): total,
/// handled on time or still within term on `at_date`, the same without those reopened
/// after a complaint about the answer — the figures of 766 items 5.1 and 5.2 the platform
/// records, counted report by report: the reference `citizen_tallies::pakn_counts` is
/// checked against.
pub async fn pakn_counts(
    store: &Store,
    from_us: i64,
    to_us: i64,
    at_date: &str,
) -> Result<std::collections::BTreeMap<i64, dieuhanh_core::citizen_tally::PaknCounts>> {
    let rows = sqlx::query(
        "SELECT c.unit_id, COUNT(*) AS total, \
         SUM(CASE WHEN (w.closed_on IS NOT NULL AND w.closed_on <= w.due_date) OR (w.closed_on IS NULL AND $3 <= w.due_date) \
             THEN 1 ELSE 0 END) AS on_time, \
         SUM(CASE WHEN ((w.closed_on IS NOT NULL AND w.closed_on <= w.due_date) OR (w.closed_on IS NULL AND $3 <= w.due_date)) \
             AND NOT EXISTS (SELECT 1 FROM work_item_events e WHERE e.item_id = w.id AND e.action = 'reopen') \
             THEN 1 ELSE 0 END) AS satisfied \
         FROM citizen_reports c JOIN work_items w ON w.id = c.item_id \
         WHERE c.requested_at_us >= $1 AND c.requested_at_us < $2 GROUP BY c.unit_id",
    )
    .bind(from_us)
    .bind(to_us)
    .bind(at_date)
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("unit_id")?,
                dieuhanh_core::citizen_tally::PaknCounts {
                    total: r.try_get("total")?,
                    on_time: r.try_get("on_time")?,
                    satisfied: r.try_get("satisfied")?,
                },
            ))
        })
        .collect()
}

//! The working-day calendar in the database: one row per year (complete or not, and
//! from which date it is uncertain) and one per special day, entered from the State's
//! notices by administrators. Seeded from `data/` on first use.

use crate::audit::{AuditEvent, append};
use crate::{Result, Store, StoreError, Tx, flag};
use dieuhanh_core::calendar::{Calendar, DayKind, SpecialDay, YearCalendar};
use serde_json::json;
use sqlx::Row;

/// Loads every year, seeding the shipped notices into an empty calendar first.
pub async fn load(store: &Store) -> Result<Calendar> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM calendar_years")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    if count == 0 {
        seed(store).await?;
    }
    Ok(Calendar::new(years(store).await?))
}

async fn seed(store: &Store) -> Result<()> {
    let shipped = Calendar::from_csv(
        crate::seed::CALENDAR_YEARS_CSV,
        crate::seed::CALENDAR_DAYS_CSV,
    )
    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = store.begin().await?;
    for year in shipped.years() {
        write_year(&mut tx, year).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn years(store: &Store) -> Result<Vec<YearCalendar>> {
    let year_rows = sqlx::query(
        "SELECT year, complete, pending_from, source FROM calendar_years ORDER BY year",
    )
    .fetch_all(store.reader())
    .await?;
    let day_rows =
        sqlx::query("SELECT year, date, kind, name, source FROM calendar_days ORDER BY date")
            .fetch_all(store.reader())
            .await?;
    let corrupt = |what: String| StoreError::Corrupt(what);
    let mut out = Vec::with_capacity(year_rows.len());
    for r in &year_rows {
        let year: i64 = r.try_get("year")?;
        let pending: Option<String> = r.try_get("pending_from")?;
        out.push(YearCalendar {
            year: i16::try_from(year).map_err(|_| corrupt(format!("year {year}")))?,
            complete: flag(r.try_get("complete")?),
            pending_from: pending
                .map(|p| p.parse().map_err(|_| corrupt(format!("date {p}"))))
                .transpose()?,
            source: r.try_get("source")?,
            days: Vec::new(),
        });
    }
    for r in &day_rows {
        let year: i64 = r.try_get("year")?;
        let date: String = r.try_get("date")?;
        let kind: String = r.try_get("kind")?;
        let day = SpecialDay {
            date: date.parse().map_err(|_| corrupt(format!("date {date}")))?,
            kind: DayKind::parse(&kind).ok_or_else(|| corrupt(format!("day kind {kind}")))?,
            name: r.try_get("name")?,
            source: r.try_get("source")?,
        };
        out.iter_mut()
            .find(|y| i64::from(y.year) == year)
            .ok_or_else(|| corrupt(format!("day {date} of an undeclared year")))?
            .days
            .push(day);
    }
    Ok(out)
}

async fn write_year(tx: &mut Tx, year: &YearCalendar) -> Result<()> {
    let y = i64::from(year.year);
    sqlx::query("DELETE FROM calendar_days WHERE year = $1")
        .bind(y)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM calendar_years WHERE year = $1")
        .bind(y)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO calendar_years (year, complete, pending_from, source, updated_at_us) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(y)
    .bind(i64::from(year.complete))
    .bind(year.pending_from.map(|d| d.to_string()))
    .bind(&year.source)
    .bind(dieuhanh_core::time::now_us())
    .execute(&mut **tx)
    .await?;
    for day in &year.days {
        sqlx::query("INSERT INTO calendar_days (date, year, kind, name, source) VALUES ($1, $2, $3, $4, $5)")
            .bind(day.date.to_string())
            .bind(y)
            .bind(day.kind.as_str())
            .bind(&day.name)
            .bind(&day.source)
            .execute(&mut **tx)
            .await
            .map_err(|e| StoreError::from_insert(e, &format!("day {}", day.date)))?;
    }
    Ok(())
}

/// Replaces one year's notice and records it on the province's audit chain.
pub async fn set_year(
    tx: &mut Tx,
    year: &YearCalendar,
    root_unit_id: i64,
    actor: Option<i64>,
) -> Result<()> {
    write_year(tx, year).await?;
    let days: Vec<String> = year
        .days
        .iter()
        .map(|d| format!("{} {}", d.date, d.kind.as_str()))
        .collect();
    append(
        tx,
        AuditEvent {
            unit_id: root_unit_id,
            actor_id: actor,
            entity: "calendar_year",
            entity_id: year.year.to_string(),
            action: "calendar.set_year",
            summary: json!({"after": {"complete": year.complete, "source": year.source, "days": days.join(", ")}}),
        },
    )
    .await?;
    Ok(())
}

//! Keeps `citizen_report_tallies` in step with the citizen reports (core::citizen_tally)
//! and reads a period's PAKN figures from them.
//!
//! Every transition of a report goes through `direction::apply`, which takes the report's
//! contribution before the change and settles the difference after it, in the same
//! transaction. Bulk inserts add the contributions of what they insert.

use crate::{Result, Store, StoreError, Tx};
use dieuhanh_core::citizen_tally::{Delta, Facts, Key, PaknCounts, contribution};
use jiff::civil::Date;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// 1 if the report `w` was ever reopened, from its events.
macro_rules! reopened {
    () => {
        "CAST(CASE WHEN EXISTS (SELECT 1 FROM work_item_events e WHERE e.item_id = w.id AND e.action = 'reopen') \
         THEN 1 ELSE 0 END AS BIGINT)"
    };
}

/// A report's facts.
const FACTS: &str = concat!(
    "SELECT c.unit_id, c.requested_at_us, w.due_date, w.closed_on, ",
    reopened!(),
    " AS reopened FROM work_items w JOIN citizen_reports c ON c.item_id = w.id"
);

fn date(text: &str) -> Result<Date> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("citizen report date {text}")))
}

fn facts(r: &AnyRow) -> Result<Facts> {
    let closed_on: Option<String> = r.try_get("closed_on")?;
    Ok(Facts {
        unit_id: r.try_get("unit_id")?,
        requested_at_us: r.try_get("requested_at_us")?,
        due_date: date(&r.try_get::<String, _>("due_date")?)?,
        closed_on: closed_on.as_deref().map(date).transpose()?,
        reopened: r.try_get::<i64, _>("reopened")? != 0,
    })
}

/// What the report `item_id` adds to the tallies now, as this transaction sees it.
pub async fn current(tx: &mut Tx, item_id: i64) -> Result<Option<Key>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{FACTS} WHERE w.id = $1")))
        .bind(item_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => contribution(&facts(&r)?),
        None => None,
    })
}

/// Moves the report's contribution from `before` to what it is now.
pub async fn settle(tx: &mut Tx, item_id: i64, before: Option<Key>) -> Result<()> {
    let after = current(tx, item_id).await?;
    let delta = Delta::between(before.as_ref(), after.as_ref());
    write(tx, &delta).await
}

/// Adds `delta` to the tallies.
pub async fn write(tx: &mut Tx, delta: &Delta) -> Result<()> {
    let groups: Vec<_> = delta.groups.iter().collect();
    for rows in groups.chunks(crate::bulk::rows_per_statement(5)) {
        let sql = format!(
            "INSERT INTO citizen_report_tallies (unit_id, requested_month, on_time, reopened, reports) VALUES {} \
             ON CONFLICT (unit_id, requested_month, on_time, reopened) DO UPDATE SET \
             reports = citizen_report_tallies.reports + excluded.reports",
            crate::bulk::placeholders(rows.len(), 5)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (k, n) in rows {
            q = q
                .bind(k.unit_id)
                .bind(k.requested_month.as_str())
                .bind(i16::from(k.on_time))
                .bind(i16::from(k.reopened))
                .bind(**n);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Recounts the tallies from every closed report (after a bulk load, or for a database
/// written before they existed). Returns how many reports were counted.
pub async fn rebuild(store: &Store) -> Result<u64> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{FACTS} WHERE w.kind = 'citizen_report' AND w.closed_on IS NOT NULL"
    )))
    .fetch_all(store.reader())
    .await?;
    let mut delta = Delta::default();
    let mut counted = 0;
    for r in &rows {
        if let Some(k) = contribution(&facts(r)?) {
            delta.add(&k, 1);
            counted += 1;
        }
    }
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM citizen_report_tallies")
        .execute(&mut *tx)
        .await?;
    write(&mut tx, &delta).await?;
    tx.commit().await?;
    Ok(counted)
}

/// Builds the tallies of a database that has closed reports but no tallies.
pub async fn ensure(store: &Store) -> Result<()> {
    // Two probes that stop at their first row, so a start-up never scans the reports.
    if !crate::finds_a_row(store, "SELECT 1 FROM citizen_report_tallies LIMIT 1").await?
        && crate::finds_a_row(
            store,
            "SELECT 1 FROM work_items WHERE kind = 'citizen_report' AND closed_on IS NOT NULL LIMIT 1",
        )
        .await?
    {
        rebuild(store).await?;
    }
    Ok(())
}

/// Per handling unit, the PAKN figures of the reports requested in the months `first` to
/// `last` (`YYYY-MM`, inclusive; the instants `from_us`..`to_us` bound the same months),
/// open reports judged on `at_date`: closed ones from the tallies, open ones counted live
/// through the index of open items.
pub async fn pakn_counts(
    store: &Store,
    first: &str,
    last: &str,
    (from_us, to_us): (i64, i64),
    at_date: &str,
) -> Result<BTreeMap<i64, PaknCounts>> {
    let mut out: BTreeMap<i64, PaknCounts> = BTreeMap::new();
    let closed = sqlx::query(
        "SELECT unit_id, on_time, reopened, CAST(SUM(reports) AS BIGINT) AS n FROM citizen_report_tallies \
         WHERE requested_month >= $1 AND requested_month <= $2 GROUP BY unit_id, on_time, reopened",
    )
    .bind(first)
    .bind(last)
    .fetch_all(store.reader());
    let open = sqlx::query(concat!(
        // A report's work item is its unit's and begins when the report is made: the
        // index of open work alone answers, but for the reopenings.
        "SELECT w.unit_id, CAST(CASE WHEN $3 <= w.due_date THEN 1 ELSE 0 END AS BIGINT) AS on_time, ",
        reopened!(),
        " AS reopened, CAST(COUNT(*) AS BIGINT) AS n \
         FROM work_items w \
         WHERE w.kind = 'citizen_report' AND w.closed_on IS NULL \
           AND w.created_at_us >= $1 AND w.created_at_us < $2 \
         GROUP BY w.unit_id, 2, 3"
    ))
    .bind(from_us)
    .bind(to_us)
    .bind(at_date)
    .fetch_all(store.reader());
    // Closed from the tallies and open live, at once.
    let (closed, open) = tokio::try_join!(closed, open)?;
    for r in &closed {
        let on_time: i16 = r.try_get("on_time")?;
        let reopened: i16 = r.try_get("reopened")?;
        out.entry(r.try_get("unit_id")?).or_default().add(
            on_time != 0,
            reopened != 0,
            r.try_get("n")?,
        );
    }
    for r in &open {
        out.entry(r.try_get("unit_id")?).or_default().add(
            r.try_get::<i64, _>("on_time")? != 0,
            r.try_get::<i64, _>("reopened")? != 0,
            r.try_get("n")?,
        );
    }
    Ok(out)
}

//! The leaders' cockpit: every communal unit with its work figures, red flags first.
//! Shared by the page and the API.

use crate::direction::{DUE_SOON_WORKING_DAYS, DirectionError, today};

/// The window of finished work behind the on-time rate (days).
pub const DONE_WINDOW_DAYS: i64 = 90;
use crate::state::AppState;
use dieuhanh_core::policy::{self, Action, Principal, Scope};
use dieuhanh_store::direction::UnitCounts;
use dieuhanh_store::units::Unit;
use std::collections::HashMap;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub old_province: Option<String>,
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    /// Share of finished tasks done on time, in percent; null before any is finished.
    pub on_time_rate: Option<i64>,
    /// Days since a leader last visited; null if never.
    pub days_since_visit: Option<i64>,
    /// Not visited within the configured interval.
    pub visit_overdue: bool,
    /// Leaders in charge.
    pub leaders: Vec<String>,
    /// Obstacles the unit raised that are still open, and those awaiting an overdue answer.
    pub obstacles_open: i64,
    pub obstacles_overdue: i64,
    /// Periodic reports past their deadline and not submitted.
    pub reports_overdue: i64,
    /// Reports submitted after their deadline (every period so far).
    pub reports_late: i64,
    /// Citizen reports the unit handles that are open, and past their deadline.
    pub citizen_open: i64,
    pub citizen_overdue: i64,
    /// Median days to resolve a citizen report (last 90 days); null before any.
    pub citizen_median_days: Option<i64>,
    /// Staffing gaps: key positions unheld or without a deputy, seats empty, rotations due.
    pub staffing_gaps: i64,
    /// Dossiers of the current quarter (received, or open from before), those still open
    /// past their appointment (766 view), the on-time share in percent, and the 766
    /// score out of 100 with the unit's rank.
    pub dossiers: u64,
    pub dossiers_overdue: u64,
    pub dossiers_on_time_rate: Option<i64>,
    pub index766: f64,
    pub index766_rank: u32,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub units: i64,
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub on_time_rate: Option<i64>,
    pub units_with_overdue: i64,
    pub units_not_visited: i64,
    pub reports_overdue: i64,
    pub units_with_overdue_reports: i64,
    pub citizen_open: i64,
    pub citizen_overdue: i64,
    pub dossiers: u64,
    pub dossiers_overdue: u64,
    pub dossiers_on_time_rate: Option<i64>,
}

pub const SORTS: [&str; 4] = ["red_flags", "overdue", "on_time_rate", "name"];

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kind: Option<String>,
    pub old_province: Option<String>,
    /// Only units this leader (user id) is in charge of.
    pub leader: Option<i64>,
    pub sort: String,
}

fn rate(on_time: i64, late: i64) -> Option<i64> {
    let done = on_time + late;
    (done > 0).then(|| (on_time * 100 + done / 2) / done)
}

/// The median of values given as (value, how many), taking the upper one of an even
/// count: the value at position n / 2 of the sorted list.
fn median_of_histogram(histogram: &[(i64, i64)]) -> Option<i64> {
    let mut sorted = histogram.to_vec();
    sorted.sort_unstable();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    let mut seen = 0;
    for (value, n) in sorted {
        seen += n;
        if seen > total / 2 {
            return Some(value);
        }
    }
    None
}

/// Only leaders with the whole city in scope see the cockpit.
pub fn require(principal: &Principal) -> Result<(), DirectionError> {
    match policy::scope(principal, Action::ViewWork) {
        Scope::All => Ok(()),
        _ => Err(DirectionError::Forbidden),
    }
}

pub async fn rows(
    state: &AppState,
    filter: &Filter,
) -> Result<(Vec<UnitRow>, Totals, Vec<Unit>), DirectionError> {
    let today = today();
    let soon = state
        .calendar()
        .add_working_days(today, DUE_SOON_WORKING_DAYS)
        .unwrap_or(today);
    // Work finished in the last quarter: a leader's on-time rate is about now, not years.
    let closed_since = today
        .checked_sub(jiff::Span::new().days(DONE_WINDOW_DAYS))
        .unwrap_or(today)
        .to_string();
    let (today_s, soon_s) = (today.to_string(), soon.to_string());
    let store = &state.store;
    let by_unit = |counts: Vec<UnitCounts>| -> HashMap<i64, UnitCounts> {
        counts.into_iter().map(|c| (c.unit_id, c)).collect()
    };
    let quarter = crate::statistics::current_period(today)
        .ok_or(DirectionError::Invalid("invalid_period"))?;
    // Independent reads, run at once: the pool has several readers and the machine
    // several cores, so the page waits for the slowest, not for their sum.
    let (
        counts,
        reports,
        citizen_open,
        histogram,
        gaps,
        statistics,
        units,
        since,
        raised,
        interval,
        assignments,
    ) = tokio::try_join!(
        async {
            Ok::<_, DirectionError>(
                dieuhanh_store::direction::unit_counts(
                    store,
                    "task",
                    &today_s,
                    &soon_s,
                    &closed_since,
                )
                .await?,
            )
        },
        async {
            Ok(dieuhanh_store::direction::unit_counts(
                store,
                "report",
                &today_s,
                &soon_s,
                &closed_since,
            )
            .await?)
        },
        async {
            Ok(
                dieuhanh_store::direction::open_counts(store, "citizen_report", &today_s, &soon_s)
                    .await?,
            )
        },
        async {
            let since = dieuhanh_core::time::now_us() - 90 * 86_400_000_000;
            Ok(dieuhanh_store::citizen::resolution_days(store, since).await?)
        },
        crate::staffing::gaps(state),
        crate::statistics::compute(state, &quarter),
        async { Ok(dieuhanh_store::units::all_current(store).await?) },
        crate::visits::days_since_visit(state),
        async { Ok(dieuhanh_store::obstacles::raised_counts(store, &today_s).await?) },
        async { Ok(crate::visits::interval_days(state).await) },
        async { Ok(dieuhanh_store::visits::assignments(store, None).await?) },
    )?;
    let (counts, reports, citizen) = (by_unit(counts), by_unit(reports), by_unit(citizen_open));
    let mut durations: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    for (unit, days, n) in histogram {
        durations.entry(unit).or_default().push((days, n));
    }
    let median = |unit: i64| median_of_histogram(durations.get(&unit)?);
    let mut staffing: HashMap<i64, i64> = HashMap::new();
    for (_, unit, _, _) in gaps {
        *staffing.entry(unit).or_default() += 1;
    }
    let dossiers: HashMap<i64, crate::statistics::UnitLine> =
        statistics.into_iter().map(|l| (l.unit_id, l)).collect();
    let raised: HashMap<i64, (i64, i64)> = raised
        .into_iter()
        .map(|(unit, open, overdue)| (unit, (open, overdue)))
        .collect();
    let mut leaders: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for a in assignments {
        leaders
            .entry(a.unit_id)
            .or_default()
            .push((a.leader_id, a.leader_name));
    }
    let mut rows: Vec<UnitRow> = units
        .iter()
        .filter(|u| u.kind.is_communal())
        .filter(|u| filter.kind.as_deref().is_none_or(|k| u.kind.as_str() == k))
        .filter(|u| {
            filter
                .old_province
                .as_deref()
                .is_none_or(|p| u.old_province.as_deref() == Some(p))
        })
        .filter(|u| {
            filter.leader.is_none_or(|l| {
                leaders
                    .get(&u.id)
                    .is_some_and(|ls| ls.iter().any(|(id, _)| *id == l))
            })
        })
        .map(|u| {
            let c = counts.get(&u.id).cloned().unwrap_or_default();
            UnitRow {
                code: u.code.clone(),
                name: u.name.clone(),
                kind: u.kind.as_str().to_string(),
                old_province: u.old_province.clone(),
                open: c.open,
                overdue: c.overdue,
                due_soon: c.due_soon,
                done_on_time: c.done_on_time,
                done_late: c.done_late,
                on_time_rate: rate(c.done_on_time, c.done_late),
                days_since_visit: since.get(&u.id).copied(),
                visit_overdue: since.get(&u.id).is_none_or(|d| *d > interval),
                leaders: leaders
                    .get(&u.id)
                    .map(|ls| ls.iter().map(|(_, n)| n.clone()).collect())
                    .unwrap_or_default(),
                obstacles_open: raised.get(&u.id).map(|r| r.0).unwrap_or(0),
                obstacles_overdue: raised.get(&u.id).map(|r| r.1).unwrap_or(0),
                reports_overdue: reports.get(&u.id).map(|r| r.overdue).unwrap_or(0),
                reports_late: reports.get(&u.id).map(|r| r.done_late).unwrap_or(0),
                citizen_open: citizen.get(&u.id).map(|r| r.open).unwrap_or(0),
                citizen_overdue: citizen.get(&u.id).map(|r| r.overdue).unwrap_or(0),
                citizen_median_days: median(u.id),
                staffing_gaps: staffing.get(&u.id).copied().unwrap_or(0),
                dossiers: dossiers.get(&u.id).map_or(0, |l| l.counts.received),
                dossiers_overdue: dossiers.get(&u.id).map_or(0, |l| l.counts.pending_overdue),
                dossiers_on_time_rate: dossiers
                    .get(&u.id)
                    .and_then(|l| l.counts.on_time_share())
                    .map(|s| (s * 100.0).round() as i64),
                index766: dossiers
                    .get(&u.id)
                    .map_or(0.0, |l| dieuhanh_core::index766::round2(l.score.total)),
                index766_rank: dossiers.get(&u.id).map_or(0, |l| l.rank),
            }
        })
        .collect();
    let name_key = |r: &UnitRow| dieuhanh_core::text::fold(&r.name);
    match filter.sort.as_str() {
        "overdue" => rows.sort_by(|a, b| {
            b.overdue
                .cmp(&a.overdue)
                .then_with(|| name_key(a).cmp(&name_key(b)))
        }),
        "on_time_rate" => rows.sort_by(|a, b| {
            a.on_time_rate
                .unwrap_or(101)
                .cmp(&b.on_time_rate.unwrap_or(101))
                .then_with(|| name_key(a).cmp(&name_key(b)))
        }),
        "name" => rows.sort_by_key(name_key),
        // Red flags first: overdue work, overdue reports, units not visited, then due
        // soon, then open work.
        _ => rows.sort_by(|a, b| {
            (
                b.overdue,
                b.reports_overdue,
                b.visit_overdue,
                b.due_soon,
                b.open,
            )
                .cmp(&(
                    a.overdue,
                    a.reports_overdue,
                    a.visit_overdue,
                    a.due_soon,
                    a.open,
                ))
                .then_with(|| name_key(a).cmp(&name_key(b)))
        }),
    }
    let (on_time, late) = rows
        .iter()
        .fold((0, 0), |(t, l), r| (t + r.done_on_time, l + r.done_late));
    let totals = Totals {
        units: rows.len() as i64,
        open: rows.iter().map(|r| r.open).sum(),
        overdue: rows.iter().map(|r| r.overdue).sum(),
        due_soon: rows.iter().map(|r| r.due_soon).sum(),
        on_time_rate: rate(on_time, late),
        units_with_overdue: rows.iter().filter(|r| r.overdue > 0).count() as i64,
        units_not_visited: rows.iter().filter(|r| r.visit_overdue).count() as i64,
        reports_overdue: rows.iter().map(|r| r.reports_overdue).sum(),
        units_with_overdue_reports: rows.iter().filter(|r| r.reports_overdue > 0).count() as i64,
        citizen_open: rows.iter().map(|r| r.citizen_open).sum(),
        citizen_overdue: rows.iter().map(|r| r.citizen_overdue).sum(),
        dossiers: rows.iter().map(|r| r.dossiers).sum(),
        dossiers_overdue: rows.iter().map(|r| r.dossiers_overdue).sum(),
        dossiers_on_time_rate: {
            let received: u64 = rows.iter().map(|r| r.dossiers).sum();
            let counted: f64 = rows
                .iter()
                .filter_map(|r| {
                    r.dossiers_on_time_rate
                        .map(|p| p as f64 * r.dossiers as f64)
                })
                .sum();
            (received > 0).then(|| (counted / received as f64).round() as i64)
        },
    };
    Ok((rows, totals, units))
}

#[cfg(test)]
mod tests {
    use super::median_of_histogram;

    #[test]
    fn the_median_of_a_histogram_is_the_middle_value_of_the_list_it_stands_for() {
        assert_eq!(median_of_histogram(&[]), None);
        assert_eq!(median_of_histogram(&[(4, 1)]), Some(4));
        // 1, 2, 2, 9 -> the value at position 2 of the sorted list.
        assert_eq!(median_of_histogram(&[(9, 1), (2, 2), (1, 1)]), Some(2));
        // 1, 1, 1, 5, 7 -> 1.
        assert_eq!(median_of_histogram(&[(5, 1), (1, 3), (7, 1)]), Some(1));
        // 3, 8 -> 8 (the upper of two).
        assert_eq!(median_of_histogram(&[(3, 1), (8, 1)]), Some(8));
    }
}

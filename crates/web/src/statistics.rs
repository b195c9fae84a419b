//! Dossier statistics and the Decision 766 index per unit and period (issue: public
//! services, item 5). Every received dossier is classified by the core in the 766 view
//! (vn-admin-rules.md §2.4, §2.6): an open overdue dossier counts against its unit.
//! Indicators are computed only from what the platform records; the others take the
//! figures an administrator entered with their source, or stay "no data".

use crate::direction::DirectionError;
use crate::state::AppState;
use dieuhanh_core::citizen_tally::PaknCounts;
use dieuhanh_core::dossier::{self, Class, Clocked};
use dieuhanh_core::index766::{self, Counts, Inputs, PaymentCounts, Score};
use dieuhanh_core::reporting::{Frequency, Period, PeriodSystem};
use dieuhanh_store::dossiers::Clock;
use dieuhanh_store::units::Unit;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Reads a period key: `2026-M11`, `2026-Q3` or `2026-Y` (calendar periods, §4.5).
pub fn parse_period(key: &str) -> Option<Period> {
    [Frequency::Monthly, Frequency::Quarterly, Frequency::Yearly]
        .into_iter()
        .find_map(|f| Period::parse(key, f, PeriodSystem::Calendar))
}

/// The current quarter, the default view.
pub fn current_period(today: Date) -> Option<Period> {
    Period::containing(Frequency::Quarterly, PeriodSystem::Calendar, today)
}

/// The period a page or API call asks for: its key, or the current quarter when none is
/// given. `None` for a key that is not a period.
pub fn requested_period(key: Option<&str>) -> Option<Period> {
    match key.map(str::trim) {
        None | Some("") => current_period(crate::direction::today()),
        Some(key) => parse_period(key),
    }
}

/// One unit's counts for a period.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct UnitCounts {
    pub received: u64,
    pub early: u64,
    pub on_time: u64,
    pub late: u64,
    pub pending_within: u64,
    pub pending_overdue: u64,
    /// Dossiers of procedures offered fully online, and those of them filed online (3a).
    pub full_online_eligible: u64,
    pub full_online_filed: u64,
    pub fee_bearing: u64,
    pub paid_online: u64,
    pub rated_unsatisfied: u64,
    /// Dossiers rated unsatisfied or not on time (each once): 5.3's deductions.
    pub unsatisfied_or_overdue: u64,
    pub pakn: u64,
    pub pakn_on_time: u64,
    pub pakn_satisfied: u64,
}

impl UnitCounts {
    pub fn on_time_share(&self) -> Option<f64> {
        (self.received > 0).then(|| {
            (self.early + self.on_time + self.pending_within) as f64 / self.received as f64
        })
    }

    pub fn open(&self) -> u64 {
        self.pending_within + self.pending_overdue
    }
}

/// One unit's line: its counts, its 766 score and its rank among the units.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitLine {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub counts: UnitCounts,
    pub score: Score,
    /// Among the communal units; 0 for a department.
    pub rank: u32,
    /// A ward, commune or special zone (ranked), not a department.
    pub communal: bool,
}

fn midnight_us(date: Date) -> i64 {
    jiff::tz::Offset::constant(7)
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .map(|t| t.as_microsecond())
        .unwrap_or(0)
}

/// A period's instants and months: [`from_us`, `to_us`), judged at `at_us` (its end, or
/// now if it has not ended).
struct Bounds {
    from_us: i64,
    to_us: i64,
    at_us: i64,
    first_month: String,
    last_month: String,
}

impl Bounds {
    fn of(period: &Period) -> Result<Bounds, DirectionError> {
        let invalid = || DirectionError::Invalid("invalid_period");
        let start = period.start().ok_or_else(invalid)?;
        let last = period.end().ok_or_else(invalid)?;
        let end = last.tomorrow().map_err(|_| invalid())?;
        let (from_us, to_us) = (midnight_us(start), midnight_us(end));
        Ok(Bounds {
            from_us,
            to_us,
            at_us: to_us.min(dieuhanh_core::time::now_us()),
            first_month: start.strftime("%Y-%m").to_string(),
            last_month: last.strftime("%Y-%m").to_string(),
        })
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The statistics of every communal unit (and of departments with dossiers) for
/// `period`, read from the tallies each dossier change keeps (store `tallies`).
pub async fn compute(state: &AppState, period: &Period) -> Result<Vec<UnitLine>, DirectionError> {
    let b = Bounds::of(period)?;
    let store = &state.store;
    let at = at_date(b.at_us);
    // Four independent reads, at once.
    let (cohort, open_overdue, used_procedures, pakn) = tokio::try_join!(
        dieuhanh_store::tallies::cohort(store, &b.first_month, &b.last_month),
        dieuhanh_store::tallies::open_overdue(store, b.at_us, b.to_us),
        dieuhanh_store::tallies::procedures(store, &b.first_month, &b.last_month),
        dieuhanh_store::citizen_tallies::pakn_counts(
            store,
            &b.first_month,
            &b.last_month,
            (b.from_us, b.to_us),
            &at,
        ),
    )?;
    let mut counts: HashMap<i64, UnitCounts> = HashMap::new();
    for (unit, standing, c) in cohort {
        let n = counts.entry(unit).or_default();
        let dossiers = count(c.dossiers);
        n.received += dossiers;
        match standing.as_str() {
            "early" => n.early += dossiers,
            "on_time" => n.on_time += dossiers,
            "late" => n.late += dossiers,
            "pending_overdue" => n.pending_overdue += dossiers,
            // Still open now: the overdue ones are moved below.
            _ => n.pending_within += dossiers,
        }
        n.full_online_eligible += count(c.full_online_eligible);
        n.full_online_filed += count(c.full_online_filed);
        n.fee_bearing += count(c.fee_bearing);
        n.paid_online += count(c.paid_online);
        n.rated_unsatisfied += count(c.rated_unsatisfied);
        n.unsatisfied_or_overdue += if matches!(standing.as_str(), "late" | "pending_overdue") {
            dossiers
        } else {
            count(c.rated_unsatisfied)
        };
    }
    for (unit, overdue) in open_overdue {
        let n = counts.entry(unit).or_default();
        let overdue = count(overdue).min(n.pending_within);
        n.pending_within -= overdue;
        n.pending_overdue += overdue;
        n.unsatisfied_or_overdue += overdue;
    }
    let mut procedures: HashMap<i64, (u64, u64)> = HashMap::new();
    for (unit, used, paid) in used_procedures {
        procedures.insert(unit, (count(used), count(paid)));
    }
    lines(state, period, counts, procedures, pakn).await
}

/// The same statistics by classifying every dossier of the period, as the tallies were
/// built to avoid: the reference the tallies are checked against (tests, `bench run`).
/// Payments and ratings count as they stand now; everything else as at the period's end.
pub async fn recount(state: &AppState, period: &Period) -> Result<Vec<UnitLine>, DirectionError> {
    let b = Bounds::of(period)?;
    let clocks = dieuhanh_store::dossiers::clocks(&state.store, b.from_us, b.to_us).await?;
    let mut counts: HashMap<i64, UnitCounts> = HashMap::new();
    // Per unit: fee-bearing procedures with dossiers, and with an online payment (3b B, C).
    let mut with_dossiers: HashMap<i64, BTreeSet<String>> = HashMap::new();
    let mut with_online_payment: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for c in &clocks {
        let class = classify(c, b.at_us)?;
        let n = counts.entry(c.unit_id).or_default();
        n.received += 1;
        match class {
            Class::Early => n.early += 1,
            Class::OnTime => n.on_time += 1,
            Class::Late => n.late += 1,
            Class::PendingWithin => n.pending_within += 1,
            Class::PendingOverdue => n.pending_overdue += 1,
        }
        if c.full_online {
            n.full_online_eligible += 1;
            if c.channel == "online" {
                n.full_online_filed += 1;
            }
        }
        if c.fee_vnd > 0 {
            n.fee_bearing += 1;
            with_dossiers
                .entry(c.unit_id)
                .or_default()
                .insert(c.procedure_code.clone());
            if c.fee_channel == "online" {
                n.paid_online += 1;
                with_online_payment
                    .entry(c.unit_id)
                    .or_default()
                    .insert(c.procedure_code.clone());
            }
        }
        if c.rating == "unsatisfied" {
            n.rated_unsatisfied += 1;
        }
        if c.rating == "unsatisfied" || matches!(class, Class::Late | Class::PendingOverdue) {
            n.unsatisfied_or_overdue += 1;
        }
    }
    let procedures = with_dossiers
        .iter()
        .map(|(unit, used)| {
            let paid = with_online_payment.get(unit).map_or(0, |s| s.len());
            (*unit, (used.len() as u64, paid as u64))
        })
        .collect();
    let pakn =
        dieuhanh_store::citizen::pakn_counts(&state.store, b.from_us, b.to_us, &at_date(b.at_us))
            .await?;
    lines(state, period, counts, procedures, pakn).await
}

/// Each unit's line from its counts: the 766 inputs, score and rank.
async fn lines(
    state: &AppState,
    period: &Period,
    mut counts: HashMap<i64, UnitCounts>,
    procedures: HashMap<i64, (u64, u64)>,
    pakn: BTreeMap<i64, PaknCounts>,
) -> Result<Vec<UnitLine>, DirectionError> {
    let units: Vec<Unit> = dieuhanh_store::units::all_current(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal() || u.kind == dieuhanh_core::org::UnitKind::Department)
        .collect();
    let fees = dieuhanh_store::procedures::all(&state.store)
        .await?
        .iter()
        .filter(|p| p.fee_vnd > 0)
        .count() as u64;
    for (unit, p) in pakn {
        let n = counts.entry(unit).or_default();
        n.pakn = count(p.total);
        n.pakn_on_time = count(p.on_time);
        n.pakn_satisfied = count(p.satisfied);
    }
    let entered = dieuhanh_store::dossiers::entered_766(&state.store, &period.key()).await?;
    let config = index766::Config::default();
    let mut lines: Vec<UnitLine> = units
        .iter()
        .map(|u| {
            let n = counts.remove(&u.id).unwrap_or_default();
            let mut inputs = Inputs::new();
            let (used_procedures, paid_procedures) =
                procedures.get(&u.id).copied().unwrap_or_default();
            let unsatisfied_or_overdue = n.unsatisfied_or_overdue.min(n.received);
            let platform = [
                (
                    "2.1",
                    Counts::of(n.early + n.on_time + n.pending_within, n.received),
                ),
                (
                    "3a",
                    Counts::of(n.full_online_filed, n.full_online_eligible),
                ),
                ("5.1", Counts::of(n.pakn_on_time, n.pakn)),
                ("5.2", Counts::of(n.pakn_satisfied, n.pakn)),
                (
                    "5.3",
                    Counts::of(n.received - unsatisfied_or_overdue, n.received),
                ),
            ];
            for (code, c) in platform {
                if let Ok(c) = c {
                    let _ = inputs.set_ratio(code, c, None);
                }
            }
            if let (Ok(a), Ok(b), Ok(c)) = (
                Counts::of(n.paid_online, n.fee_bearing),
                Counts::of(paid_procedures, fees),
                Counts::of(used_procedures, fees),
            ) {
                inputs.set_payment(
                    PaymentCounts {
                        dossiers_paid_online: a,
                        procedures_paid_online: b,
                        procedures_with_dossiers: c,
                    },
                    None,
                );
            }
            for e in entered.iter().filter(|e| e.unit_id == u.id) {
                if let Ok(c) = Counts::new(e.numerator, e.denominator) {
                    let _ = inputs.set_ratio(&e.indicator, c, Some(e.source.clone()));
                }
            }
            UnitLine {
                unit_id: u.id,
                unit_code: u.code.clone(),
                unit_name: u.name.clone(),
                counts: n,
                score: index766::evaluate(&inputs, &config),
                rank: 0,
                communal: u.kind.is_communal(),
            }
        })
        .collect();
    // Departments appear when competence sends dossiers to them; the 766 ranking is of
    // the communal units.
    lines.retain(|l| l.communal || l.counts.received > 0);
    let totals: Vec<(i64, f64)> = lines
        .iter()
        .filter(|l| l.communal)
        .map(|l| (l.unit_id, l.score.total))
        .collect();
    let ranks: HashMap<i64, u32> = index766::rank(&totals).into_iter().collect();
    for l in &mut lines {
        l.rank = ranks.get(&l.unit_id).copied().unwrap_or(0);
    }
    lines.sort_by_key(|l| (!l.communal, l.rank, l.unit_id));
    Ok(lines)
}

fn at_date(at_us: i64) -> String {
    dieuhanh_core::time::vn_date(at_us)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// A dossier's class at `at_us`: one ended later was still open then.
fn classify(c: &Clock, at_us: i64) -> Result<Class, DirectionError> {
    dossier::classify_766(
        &Clocked {
            received_at_us: c.received_at_us,
            term: c.term,
            appointment: c.appointment,
            supplements: &c.supplements,
            extension: c.extension.as_ref(),
            finished_at_us: c.finished_at_us.filter(|end| *end < at_us),
        },
        at_us,
    )
    .map_err(|e| DirectionError::Invalid(e.code()))
}

/// The city median of open dossiers per officer (now), and each unit's figure: units far
/// above it are where staff should move.
pub async fn workload(
    state: &AppState,
    lines: &[UnitLine],
) -> Result<(f64, Vec<(String, String, f64)>), DirectionError> {
    let mut officers: HashMap<i64, (u64, u64)> = HashMap::new();
    for (unit, _, open) in dieuhanh_store::dossiers::open_per_assignee(&state.store).await? {
        let e = officers.entry(unit).or_default();
        e.0 += 1;
        e.1 += count(open);
    }
    let mut per_unit: Vec<(String, String, f64)> = lines
        .iter()
        .filter_map(|l| {
            let (people, open) = officers.get(&l.unit_id)?;
            Some((
                l.unit_code.clone(),
                l.unit_name.clone(),
                *open as f64 / *people as f64,
            ))
        })
        .collect();
    let mut values: Vec<f64> = per_unit.iter().map(|x| x.2).collect();
    values.sort_by(f64::total_cmp);
    let median = match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    };
    per_unit.sort_by(|a, b| b.2.total_cmp(&a.2));
    Ok((median, per_unit))
}

//! Synthetic dossiers with realistic lives, shared by the demo (a year for every unit)
//! and the workload generator (`dieuhanh bench generate`, up to two years of a whole
//! city): arrivals on working days with a Monday peak and a surge before Tết, a procedure
//! mix led by certification and civil status, office-hour receipt times, supplementation,
//! late and re-appointed dossiers, refusals, payments and ratings; units differ in how
//! busy and how punctual they are. Applicants are invented; everything is deterministic
//! from the seed.

use crate::security::keys::Keys;
use dieuhanh_core::calendar::Calendar;
use dieuhanh_core::dossier::{self, Appointment, ClockRules, Extension, Supplement};
use dieuhanh_store::Store;
use dieuhanh_store::dossiers::{HistoricDossier, HistoricEvent, NewDossier};
use dieuhanh_store::procedures::Procedure;
use jiff::civil::Date;
use std::collections::HashMap;

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

/// A small deterministic generator (an LCG): the same city every time for a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x766_2026)
    }

    pub fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as f64 / (1u64 << 31) as f64
    }

    /// A stream of its own for one record, drawn from this one. What happens to a
    /// record depends on now (steps after it are not taken), so its draws must not shift
    /// those of the records after it: the same seed then gives the same city whenever
    /// it is generated.
    pub fn fork(&mut self) -> Rng {
        let high = (self.unit() * 4_294_967_296.0) as u64;
        let low = (self.unit() * 4_294_967_296.0) as u64;
        Rng::new(high << 32 | low)
    }

    pub fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// A Poisson draw with the given mean (Knuth's method below 30, a normal
    /// approximation above, so a busy day stays cheap to draw).
    pub fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 30.0 {
            let u1 = self.unit().max(1e-12);
            let u2 = self.unit();
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            return (mean + z * mean.sqrt()).round().max(0.0) as u64;
        }
        let limit = (-mean).exp();
        let mut count = 0;
        let mut p = self.unit();
        while p > limit {
            count += 1;
            p *= self.unit();
        }
        count
    }
}

const FAMILY: [&str; 10] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi",
];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc"];
const GIVEN: [&str; 12] = [
    "An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Linh", "Nam", "Phúc", "Tâm", "Vy",
];

/// (procedure code, share of arrivals).
const MIX: [(&str, f64); 12] = [
    ("2.000815", 0.30),
    ("1.001193", 0.16),
    ("2.000884", 0.14),
    ("2.000635", 0.08),
    ("1.004873", 0.07),
    ("1.000894", 0.05),
    ("1.000656", 0.04),
    ("2.001035", 0.06),
    ("2.000720", 0.04),
    ("2.000913", 0.02),
    ("HCM.HT.TDCC", 0.02),
    ("2.001019", 0.02),
];

const SUPPLEMENT_REASON: &str = "Bổ sung bản sao giấy tờ tùy thân";
const EXTENSION_REASON: &str = "Cần xác minh thêm";
const REFUSAL_REASON: &str = "Không đủ điều kiện theo quy định";

/// How a unit works: who receives and who signs, how late and how online it is, and how
/// busy compared with the average unit.
pub struct UnitProfile {
    pub unit_id: i64,
    pub agency: String,
    pub officer: Option<i64>,
    pub leader: Option<i64>,
    pub late_rate: f64,
    pub online_rate: f64,
    pub busy: f64,
}

/// Relative arrivals on a working day: Mondays are busier, and so are the weeks before
/// Tết (January to mid-February) for civil-status papers.
pub fn day_weight(day: Date) -> f64 {
    let monday = day.weekday() == jiff::civil::Weekday::Monday;
    let surge = day.month() == 1 || (day.month() == 2 && day.day() < 14);
    (if monday { 1.4 } else { 1.0 }) * if surge { 1.6 } else { 1.0 }
}

/// One generated dossier, owning what its record borrows.
pub struct Made<'p> {
    pub unit_id: i64,
    pub procedure: &'p Procedure,
    pub code: String,
    pub sealed: String,
    pub hash: String,
    pub online: bool,
    pub received: i64,
    pub appointment: Appointment,
    pub due: Date,
    pub officer: Option<i64>,
    pub events: Vec<HistoricEvent<'static>>,
    pub supplements: Vec<Supplement>,
    pub extension: Option<Extension>,
    pub state: &'static str,
    pub outcome: &'static str,
    pub finished: Option<i64>,
    pub returned: Option<i64>,
    pub closed: Option<String>,
    pub fee_status: &'static str,
    pub fee_channel: &'static str,
    pub rating: &'static str,
}

impl Made<'_> {
    pub fn historic(&self) -> HistoricDossier<'_> {
        HistoricDossier {
            new: NewDossier {
                unit_id: self.unit_id,
                code: &self.code,
                procedure_code: &self.procedure.code,
                procedure_name: &self.procedure.name,
                channel: if self.online { "online" } else { "counter" },
                applicant_user_id: None,
                applicant_sealed: &self.sealed,
                identity_hash: &self.hash,
                submitted_at_us: self.received,
                received_at_us: Some(self.received),
                term: self.procedure.term,
                appointment: self.appointment,
                fee_vnd: self.procedure.fee_vnd,
                created_by: self.officer,
                full_online: self.procedure.online_level == "full",
            },
            state: self.state,
            assignee_id: self.officer,
            events: self.events.clone(),
            supplements: self.supplements.clone(),
            extension: self.extension.clone(),
            finished_at_us: self.finished,
            returned_at_us: self.returned,
            stopped_at_us: None,
            outcome: self.outcome,
            fee_status: self.fee_status,
            fee_channel: self.fee_channel,
            paid_at_us: (self.fee_status == "paid").then_some(self.received + HOUR),
            rating: self.rating,
            closed_on: self.closed.clone(),
            due_date: self.due,
        }
    }
}

/// Makes dossiers for units, one at a time.
pub struct Synth<'a> {
    pub rng: Rng,
    calendar: &'a Calendar,
    keys: &'a Keys,
    procedures: HashMap<&'a str, &'a Procedure>,
    /// Nothing happens after this instant: later steps are left open.
    now: i64,
    rules: ClockRules,
    /// The day's sequence per unit.
    sequences: HashMap<(i64, Date), i64>,
}

impl<'a> Synth<'a> {
    pub fn new(
        seed: u64,
        calendar: &'a Calendar,
        keys: &'a Keys,
        procedures: &'a [Procedure],
        now: i64,
    ) -> Synth<'a> {
        Synth {
            rng: Rng::new(seed),
            calendar,
            keys,
            procedures: procedures.iter().map(|p| (p.code.as_str(), p)).collect(),
            now,
            rules: ClockRules::default(),
            sequences: HashMap::new(),
        }
    }

    /// A unit's way of working, drawn once.
    pub fn profile(
        &mut self,
        unit_id: i64,
        unit_code: &str,
        suffix: &str,
        officer: Option<i64>,
        leader: Option<i64>,
    ) -> UnitProfile {
        UnitProfile {
            unit_id,
            agency: crate::dossiers::agency_code(unit_code, suffix),
            officer,
            leader: leader.or(officer),
            // Most units keep time; a few struggle.
            late_rate: 0.01 + self.rng.unit().powi(3) * 0.12,
            online_rate: 0.25 + self.rng.unit() * 0.35,
            busy: 0.4 + self.rng.unit() * 1.2,
        }
    }

    /// The last sequence number used per (unit, day), to raise the stored sequences.
    pub fn sequences(&self) -> &HashMap<(i64, Date), i64> {
        &self.sequences
    }

    /// One dossier received by `unit` on `day`, or `None` if it would arrive after now.
    pub fn dossier(&mut self, unit: &UnitProfile, day: Date) -> Option<Made<'a>> {
        let mut own = self.rng.fork();
        let rng = &mut own;
        let pick = rng.unit();
        let mut acc = 0.0;
        let code = MIX
            .iter()
            .find(|(_, share)| {
                acc += share;
                pick < acc
            })
            .map_or(MIX[0].0, |(c, _)| *c);
        let procedure = *self.procedures.get(code)?;
        let minutes = 450 + (rng.unit() * 540.0) as i64;
        let received = local_us(day, minutes)?;
        if received >= self.now {
            return None;
        }
        let appointment =
            dossier::appointment(self.calendar, received, procedure.term, &self.rules).ok()?;
        let online = procedure.online_level != "none" && rng.unit() < unit.online_rate;
        let seq = self.sequences.entry((unit.unit_id, day)).or_insert(0);
        *seq += 1;
        let code = dossier::format_code(&unit.agency, day, u32::try_from(*seq).ok()?).ok()?;
        let name = format!(
            "{} {} {}",
            FAMILY[rng.below(FAMILY.len())],
            MIDDLE[rng.below(MIDDLE.len())],
            GIVEN[rng.below(GIVEN.len())]
        );
        let identity = format!("079{:09}", (rng.unit() * 999_999_999.0) as u64);
        let applicant = crate::dossiers::Applicant {
            name,
            identity: identity.clone(),
            phone: format!("09{:08}", (rng.unit() * 99_999_999.0) as u64),
            email: String::new(),
        };
        let sealed = self.keys.seal(
            &serde_json::to_vec(&applicant).unwrap_or_default(),
            &crate::dossiers::seal_context(&code),
        );
        let hash = self.keys.lookup_hash(&identity);
        let (officer, leader, now) = (unit.officer, unit.leader, self.now);
        let mut events: Vec<HistoricEvent<'static>> =
            vec![(received, officer, "create", "", "received", "")];
        let mut supplements = Vec::new();
        let mut due = appointment;
        let started = received + HOUR;
        events.push((started, officer, "start", "received", "in_progress", ""));
        if rng.unit() < 0.07 {
            let asked = started + 2 * HOUR;
            let answered = asked + (1 + rng.below(4) as i64) * DAY;
            events.push((
                asked,
                officer,
                "request_supplement",
                "in_progress",
                "awaiting_supplement",
                SUPPLEMENT_REASON,
            ));
            if answered < now {
                events.push((
                    answered,
                    None,
                    "supplement",
                    "awaiting_supplement",
                    "in_progress",
                    "",
                ));
                if let Ok(a) =
                    dossier::appointment(self.calendar, answered, procedure.term, &self.rules)
                {
                    due = a;
                }
            }
            supplements.push(Supplement {
                requested_at_us: asked,
                reason: SUPPLEMENT_REASON.into(),
                completed_at_us: (answered < now).then_some(answered),
            });
        }
        let waiting = supplements.iter().any(|s| s.completed_at_us.is_none());
        let due_end = local_us(due.date, 17 * 60).unwrap_or(received);
        let late = rng.unit() < unit.late_rate;
        let mut extension = None;
        let mut finish = if late {
            due_end + (1 + rng.below(5) as i64) * DAY
        } else {
            received + ((due_end - received) as f64 * (0.3 + rng.unit() * 0.7)) as i64
        };
        if late && rng.unit() < 0.3 {
            // The unit apologised in time and re-appointed.
            if let Ok(new) = self.calendar.add_working_days(due.date, 3) {
                let apology = due_end - 2 * DAY;
                events.push((
                    apology,
                    leader,
                    "extend",
                    "in_progress",
                    "in_progress",
                    EXTENSION_REASON,
                ));
                extension = Some(Extension {
                    apology_at_us: apology,
                    old: due,
                    new: Appointment::on(new),
                    reason: EXTENSION_REASON.into(),
                });
                finish = local_us(new, 10 * 60).unwrap_or(finish);
            }
        }
        let refused = rng.unit() < 0.02;
        let (state, outcome, finished, returned, closed);
        if waiting || finish >= now {
            state = if waiting {
                "awaiting_supplement"
            } else {
                "in_progress"
            };
            outcome = "";
            finished = None;
            returned = None;
            closed = None;
        } else {
            let (action, to, out, note) = if refused {
                ("refuse", "refused", "refused", REFUSAL_REASON)
            } else {
                ("approve", "finished", "approved", "")
            };
            events.push((finish, leader, action, "in_progress", to, note));
            let back = finish + (rng.unit() * 2.0 * DAY as f64) as i64;
            finished = Some(finish);
            outcome = out;
            if back < now {
                events.push((back, officer, "return_result", to, "returned", ""));
                state = "returned";
                returned = Some(back);
            } else {
                state = to;
                returned = None;
            }
            closed = dieuhanh_core::time::vn_date(finish).map(|d| d.to_string());
        }
        let fee_status = if procedure.fee_vnd == 0 {
            "none"
        } else if finished.is_some() || rng.unit() < 0.5 {
            "paid"
        } else {
            "unpaid"
        };
        let fee_channel = match fee_status {
            "paid" if online && rng.unit() < 0.6 => "online",
            "paid" => "cash",
            _ => "",
        };
        let rating = if returned.is_some() && rng.unit() < 0.4 {
            if late || rng.unit() < 0.04 {
                "unsatisfied"
            } else if rng.unit() < 0.6 {
                "very_satisfied"
            } else {
                "satisfied"
            }
        } else {
            ""
        };
        let current_due = extension
            .as_ref()
            .map_or(due.date, |e: &Extension| e.new.date);
        Some(Made {
            unit_id: unit.unit_id,
            procedure,
            code,
            sealed,
            hash,
            online,
            received,
            appointment,
            due: current_due,
            officer,
            events,
            supplements,
            extension,
            state,
            outcome,
            finished,
            returned,
            closed,
            fee_status,
            fee_channel,
            rating,
        })
    }
}

pub fn local_us(date: Date, minutes: i64) -> Option<i64> {
    let midnight = date.to_datetime(jiff::civil::Time::midnight());
    let ts = jiff::tz::Offset::constant(7).to_timestamp(midnight).ok()?;
    Some(ts.as_microsecond() + minutes * 60_000_000)
}

/// The working days in [`from`, `to`) the calendar knows.
pub fn working_days(calendar: &Calendar, from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = from;
    while day < to {
        if calendar.is_working_day(day).unwrap_or(false) {
            out.push(day);
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    out
}

/// What to generate: on which days, how many per unit and day on average (before each
/// unit's busyness and the day's weight), the agency suffix of the codes, and whether
/// the other kinds of work come too.
pub struct Plan {
    pub seed: u64,
    pub days: Vec<Date>,
    pub mean_per_unit_day: f64,
    pub suffix: String,
    /// Also citizen reports, directives with their tasks, monthly reports and obstacles
    /// over the same span ([`crate::synthetic_work`]), at the city's volumes: true for
    /// `dieuhanh bench generate`, false for the demo, which seeds its own.
    pub work: bool,
}

/// Generates dossiers for every communal unit over the plan's days, one bulk transaction
/// per day, calling `progress(written, expected)` after each (it counts dossiers only),
/// then, if the plan asks, the other kinds of work; returns how many dossiers.
pub async fn generate(
    store: &Store,
    keys: &Keys,
    calendar: &Calendar,
    plan: &Plan,
    mut progress: impl FnMut(u64, u64),
) -> dieuhanh_store::Result<u64> {
    use dieuhanh_core::policy::Role;
    let procedures = dieuhanh_store::procedures::all(store).await?;
    let units: Vec<_> = dieuhanh_store::units::all_current(store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .collect();
    let now = dieuhanh_core::time::now_us();
    let mut synth = Synth::new(plan.seed, calendar, keys, &procedures, now);
    let mut profiles = Vec::with_capacity(units.len());
    for u in &units {
        let officials = dieuhanh_store::users::active_officials(store, u.id).await?;
        let find = |role: Role| officials.iter().find(|x| x.role == role).map(|x| x.id);
        let officer = find(Role::UnitOfficer).or(officials.first().map(|x| x.id));
        profiles.push(synth.profile(u.id, &u.code, &plan.suffix, officer, find(Role::UnitLeader)));
    }
    let busy: f64 = profiles.iter().map(|p| p.busy).sum();
    let expected = (plan.days.iter().map(|d| day_weight(*d)).sum::<f64>()
        * busy
        * plan.mean_per_unit_day) as u64;
    let mut next_id = dieuhanh_store::bulk::next_item_id(store).await?;
    let mut written = 0u64;
    // Per unit and day: dossiers received, and those finished by their due date (the
    // figures of the generated monthly reports).
    let mut counts = crate::synthetic_work::DossierCounts::new();
    for day in &plan.days {
        let weight = day_weight(*day);
        let mut made = Vec::new();
        for p in &profiles {
            let n = synth.rng.poisson(plan.mean_per_unit_day * p.busy * weight);
            for _ in 0..n {
                if let Some(m) = synth.dossier(p, *day) {
                    made.push(m);
                }
            }
        }
        if made.is_empty() {
            continue;
        }
        if plan.work {
            for m in &made {
                let on_time = m
                    .finished
                    .and_then(dieuhanh_core::time::vn_date)
                    .is_some_and(|d| d <= m.due);
                let entry = counts.entry((m.unit_id, *day)).or_default();
                entry.0 += 1;
                entry.1 += u32::from(on_time);
            }
        }
        let historic: Vec<HistoricDossier<'_>> = made.iter().map(Made::historic).collect();
        let mut tx = store.begin().await?;
        dieuhanh_store::bulk::insert_dossiers(&mut tx, next_id, &historic).await?;
        for ((unit, _), last) in synth.sequences().iter().filter(|((_, d), _)| d == day) {
            dieuhanh_store::dossiers::raise_sequence(&mut tx, *unit, *day, *last).await?;
        }
        tx.commit().await?;
        next_id += historic.len() as i64;
        written += historic.len() as u64;
        progress(written, expected.max(written));
    }
    if plan.work {
        crate::synthetic_work::generate(store, calendar, plan, &units, &profiles, now, &counts)
            .await?;
    }
    dieuhanh_store::bulk::finish(store).await?;
    Ok(written)
}

//! A year of demo dossiers for every ward, commune and the special zone, so the on-time
//! statistics and the Decision 766 ranking look like a real city: arrivals on working
//! days with a Monday peak and a surge before Tết, a procedure mix led by civil status and
//! certification, some supplementation, a few re-appointments, late and refused
//! dossiers, payments and ratings. Units differ in how well they keep time. Synthetic
//! applicants; deterministic (the same demo every time).

use crate::security::keys::Keys;
use dieuhanh_core::calendar::Calendar;
use dieuhanh_core::dossier::{self, Appointment, ClockRules, Extension, Supplement};
use dieuhanh_store::dossiers::{HistoricDossier, NewDossier, insert_history, raise_sequence};
use dieuhanh_store::{Result, Store};
use jiff::civil::Date;
use std::collections::HashMap;

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as f64 / (1u64 << 31) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
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

fn local_us(date: Date, minutes: i64) -> Option<i64> {
    let midnight = date.to_datetime(jiff::civil::Time::midnight());
    let ts = jiff::tz::Offset::constant(7).to_timestamp(midnight).ok()?;
    Some(ts.as_microsecond() + minutes * 60_000_000)
}

/// Seeds dossiers received over the year before `today`; returns how many.
pub async fn seed(
    store: &Store,
    keys: &Keys,
    calendar: &Calendar,
    today: Date,
    suffix: &str,
) -> Result<usize> {
    let procedures = dieuhanh_store::procedures::all(store).await?;
    let by_code: HashMap<&str, &dieuhanh_store::procedures::Procedure> =
        procedures.iter().map(|p| (p.code.as_str(), p)).collect();
    let units: Vec<_> = dieuhanh_store::units::all_current(store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .collect();
    let now = dieuhanh_core::time::now_us();
    let rules = ClockRules::default();
    let mut rng = Rng(0x766_2026);
    let mut sequences: HashMap<(i64, Date), i64> = HashMap::new();
    let mut created = 0usize;
    let start = today
        .checked_sub(jiff::Span::new().days(365))
        .unwrap_or(today);
    for unit in &units {
        let officials = dieuhanh_store::users::active_officials(store, unit.id).await?;
        let officer = officials.first().map(|u| u.id);
        let leader = officials
            .iter()
            .find(|u| u.role == dieuhanh_core::policy::Role::UnitLeader)
            .map(|u| u.id)
            .or(officer);
        // How well the unit keeps time: most are good, a few struggle.
        let late_rate = 0.01 + rng.unit().powi(3) * 0.12;
        let online_rate = 0.25 + rng.unit() * 0.35;
        let busy = 0.35 + rng.unit() * 0.5;
        let agency = crate::dossiers::agency_code(&unit.code, suffix);
        let mut tx = store.begin().await?;
        let mut day = start;
        while day < today {
            let next = day.tomorrow().unwrap_or(today);
            if !calendar.is_working_day(day).unwrap_or(false) {
                day = next;
                continue;
            }
            let monday = day.weekday() == jiff::civil::Weekday::Monday;
            // The weeks before Tết (February 2026) bring a surge of civil-status papers.
            let surge = day.month() == 1 || (day.month() == 2 && day.day() < 14);
            let mean = busy * if monday { 1.4 } else { 1.0 } * if surge { 1.6 } else { 1.0 };
            let mut count = 0;
            let mut p = rng.unit();
            let limit = (-mean).exp();
            while p > limit && count < 12 {
                count += 1;
                p *= rng.unit();
            }
            for _ in 0..count {
                let pick = rng.unit();
                let mut acc = 0.0;
                let code = MIX
                    .iter()
                    .find(|(_, share)| {
                        acc += share;
                        pick < acc
                    })
                    .map_or(MIX[0].0, |(c, _)| *c);
                let Some(procedure) = by_code.get(code) else {
                    continue;
                };
                let received = local_us(day, 450 + (rng.unit() * 540.0) as i64).unwrap_or(now);
                if received >= now {
                    continue;
                }
                let Ok(appointment) =
                    dossier::appointment(calendar, received, procedure.term, &rules)
                else {
                    continue;
                };
                let online = procedure.online_level != "none" && rng.unit() < online_rate;
                let seq = sequences.entry((unit.id, day)).or_insert(0);
                *seq += 1;
                let Ok(code) = dossier::format_code(&agency, day, *seq as u32) else {
                    continue;
                };
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
                let sealed = keys.seal(
                    &serde_json::to_vec(&applicant).unwrap_or_default(),
                    &format!("dossier applicant {code}"),
                );
                let hash = keys.lookup_hash(&identity);
                // The dossier's life.
                let mut events = vec![(received, officer, "create", "", "received", "")];
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
                        "Bổ sung bản sao giấy tờ tùy thân",
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
                            dossier::appointment(calendar, answered, procedure.term, &rules)
                        {
                            due = a;
                        }
                    }
                    supplements.push(Supplement {
                        requested_at_us: asked,
                        reason: "Bổ sung bản sao giấy tờ tùy thân".into(),
                        completed_at_us: (answered < now).then_some(answered),
                    });
                }
                let waiting = supplements.iter().any(|s| s.completed_at_us.is_none());
                let due_end = local_us(due.date, 17 * 60).unwrap_or(received);
                let late = rng.unit() < late_rate;
                let mut extension = None;
                let mut finish = if late {
                    due_end + (1 + rng.below(5) as i64) * DAY
                } else {
                    received + ((due_end - received) as f64 * (0.3 + rng.unit() * 0.7)) as i64
                };
                if late && rng.unit() < 0.3 {
                    // The unit apologised in time and re-appointed.
                    if let Ok(new) = calendar.add_working_days(due.date, 3) {
                        let apology = due_end - 2 * DAY;
                        events.push((
                            apology,
                            leader,
                            "extend",
                            "in_progress",
                            "in_progress",
                            "Cần xác minh thêm",
                        ));
                        extension = Some(Extension {
                            apology_at_us: apology,
                            old: due,
                            new: Appointment::on(new),
                            reason: "Cần xác minh thêm".into(),
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
                    let (action, to, out) = if refused {
                        ("refuse", "refused", "refused")
                    } else {
                        ("approve", "finished", "approved")
                    };
                    events.push((
                        finish,
                        leader,
                        action,
                        "in_progress",
                        to,
                        if refused {
                            "Không đủ điều kiện theo quy định"
                        } else {
                            ""
                        },
                    ));
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
                insert_history(
                    &mut tx,
                    &HistoricDossier {
                        new: NewDossier {
                            unit_id: unit.id,
                            code: &code,
                            procedure_code: &procedure.code,
                            procedure_name: &procedure.name,
                            channel: if online { "online" } else { "counter" },
                            applicant_user_id: None,
                            applicant_sealed: &sealed,
                            identity_hash: &hash,
                            submitted_at_us: received,
                            received_at_us: Some(received),
                            term: procedure.term,
                            appointment,
                            fee_vnd: procedure.fee_vnd,
                            created_by: officer,
                        },
                        state,
                        assignee_id: officer,
                        events,
                        supplements,
                        extension,
                        finished_at_us: finished,
                        returned_at_us: returned,
                        stopped_at_us: None,
                        outcome,
                        fee_status,
                        fee_channel,
                        paid_at_us: (fee_status == "paid").then_some(received + HOUR),
                        rating,
                        closed_on: closed,
                        due_date: current_due,
                    },
                )
                .await?;
                created += 1;
            }
            day = next;
        }
        for ((u, d), last) in sequences.iter().filter(|((u, _), _)| *u == unit.id) {
            raise_sequence(&mut tx, *u, *d, *last).await?;
        }
        tx.commit().await?;
    }
    Ok(created)
}

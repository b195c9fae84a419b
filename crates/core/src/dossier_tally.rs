//! What one dossier adds to its unit's statistics, so the statistics of a period are read
//! from a few hundred tally rows instead of classifying every dossier on each request.
//!
//! A received dossier belongs to the tally group of its unit, the month it was received,
//! the month it ended (empty while open), the month from which it counts overdue in the
//! Decision 766 view (vn-admin-rules.md §2.6, §4.3: judged less its pauses; empty if it
//! never would) and its class once ended. Periods are calendar months, quarters and years
//! (§4.5), so month granularity is exact: a period's cohort is every dossier received in
//! it or received before and not ended before it starts, and a dossier ended after the
//! period counts as pending at its end, overdue if its overdue month is within it.
//! Each transition subtracts the dossier's old contribution and adds its new one.

use crate::dossier::{Appointment, Class, Clocked, DossierError, classify_766, local};
use jiff::civil::Time;
use std::collections::HashMap;

/// The class of a tally group: the §2.6 class of an ended dossier, or open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Standing {
    Early,
    OnTime,
    Late,
    Open,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Early => "early",
            Standing::OnTime => "on_time",
            Standing::Late => "late",
            Standing::Open => "open",
        }
    }
}

/// The group a dossier is counted in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    pub unit_id: i64,
    /// `YYYY-MM`, Vietnam time.
    pub received_month: String,
    /// `YYYY-MM`, or empty while open.
    pub ended_month: String,
    /// `YYYY-MM` of the instant after which it is overdue (766 view), or empty.
    pub overdue_month: String,
    pub standing: Standing,
}

/// The counts of a group. Signed: a transition adds -1 to the old group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCounts {
    pub dossiers: i64,
    /// Of a procedure offered fully online, and of those filed online (766: 3a).
    pub full_online_eligible: i64,
    pub full_online_filed: i64,
    /// With a fee, and of those paid online (3b A).
    pub fee_bearing: i64,
    pub paid_online: i64,
    pub rated_unsatisfied: i64,
}

impl GroupCounts {
    fn add(&mut self, other: &GroupCounts, sign: i64) {
        self.dossiers += sign * other.dossiers;
        self.full_online_eligible += sign * other.full_online_eligible;
        self.full_online_filed += sign * other.full_online_filed;
        self.fee_bearing += sign * other.fee_bearing;
        self.paid_online += sign * other.paid_online;
        self.rated_unsatisfied += sign * other.rated_unsatisfied;
    }

    pub fn is_zero(&self) -> bool {
        *self == GroupCounts::default()
    }
}

/// Fee-bearing dossiers per procedure (3b B and C count procedures, not dossiers).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcedureKey {
    pub unit_id: i64,
    pub received_month: String,
    pub ended_month: String,
    pub procedure_code: String,
}

/// What the tally needs to know of one received dossier.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub unit_id: i64,
    pub procedure_code: &'a str,
    /// Ended at: finished, else returned, else stopped.
    pub clock: Clocked<'a>,
    pub full_online: bool,
    pub filed_online: bool,
    pub fee_bearing: bool,
    pub paid_online: bool,
    pub rated_unsatisfied: bool,
}

/// One dossier's contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub group: GroupKey,
    pub counts: GroupCounts,
    /// The procedure row and whether this dossier was paid online, if it bears a fee.
    pub procedure: Option<(ProcedureKey, bool)>,
    /// While open: the instant after which it is overdue in the 766 view.
    pub open_overdue_from_us: Option<i64>,
}

/// `YYYY-MM` of an instant in Vietnam.
pub fn month_of(at_us: i64) -> Result<String, DossierError> {
    let t = local(at_us)?;
    Ok(format!("{:04}-{:02}", t.year(), t.month()))
}

/// The instant after which a dossier not yet ended is overdue in the 766 view
/// (`classify_766` says `PendingOverdue` at any `at` after it), or `None` if it would not
/// become overdue without a further event (it waits for the applicant within its term).
/// `Some(0)`: overdue already, whatever the time.
pub fn overdue_from_766(d: &Clocked) -> Result<Option<i64>, DossierError> {
    let paused: i64 = d
        .supplements
        .iter()
        .filter_map(|s| s.completed_at_us.map(|c| (c - s.requested_at_us).max(0)))
        .sum();
    let open = Clocked {
        finished_at_us: None,
        ..d.clone()
    };
    if let Some(waiting) = d.supplements.last().filter(|s| s.completed_at_us.is_none()) {
        // Waiting for the applicant: judged at the request, so the class cannot change.
        return Ok(match classify_766(&open, waiting.requested_at_us.max(0))? {
            Class::PendingOverdue => Some(0),
            _ => None,
        });
    }
    Ok(Some(limit_us(d.appointment)?.saturating_add(paused)))
}

/// The last instant an appointment is met at.
fn limit_us(a: Appointment) -> Result<i64, DossierError> {
    let limit = a.date.to_datetime(a.time.unwrap_or(Time::MAX));
    crate::dossier::instant(limit)
}

/// What a received dossier adds to the tallies.
pub fn contribution(f: &Facts) -> Result<Contribution, DossierError> {
    let received_month = month_of(f.clock.received_at_us)?;
    let overdue_from = overdue_from_766(&f.clock)?;
    let (ended_month, standing, open_overdue_from_us) = match f.clock.finished_at_us {
        Some(end) => {
            let standing = match classify_766(&f.clock, end)? {
                Class::Early => Standing::Early,
                Class::OnTime => Standing::OnTime,
                _ => Standing::Late,
            };
            (month_of(end)?, standing, None)
        }
        None => (String::new(), Standing::Open, overdue_from),
    };
    let overdue_month = overdue_from.map(month_of).transpose()?.unwrap_or_default();
    let counts = GroupCounts {
        dossiers: 1,
        full_online_eligible: i64::from(f.full_online),
        full_online_filed: i64::from(f.full_online && f.filed_online),
        fee_bearing: i64::from(f.fee_bearing),
        paid_online: i64::from(f.fee_bearing && f.paid_online),
        rated_unsatisfied: i64::from(f.rated_unsatisfied),
    };
    let procedure = f.fee_bearing.then(|| {
        (
            ProcedureKey {
                unit_id: f.unit_id,
                received_month: received_month.clone(),
                ended_month: ended_month.clone(),
                procedure_code: f.procedure_code.to_string(),
            },
            f.paid_online,
        )
    });
    Ok(Contribution {
        group: GroupKey {
            unit_id: f.unit_id,
            received_month,
            ended_month,
            overdue_month,
            standing,
        },
        counts,
        procedure,
        open_overdue_from_us,
    })
}

/// Changes to the tallies, summed: what one transition or one bulk write applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    pub groups: HashMap<GroupKey, GroupCounts>,
    /// (dossiers, paid online) per procedure row.
    pub procedures: HashMap<ProcedureKey, (i64, i64)>,
}

impl Delta {
    /// Adds (`sign` 1) or withdraws (-1) a contribution.
    pub fn add(&mut self, c: &Contribution, sign: i64) {
        self.groups
            .entry(c.group.clone())
            .or_default()
            .add(&c.counts, sign);
        if let Some((key, paid)) = &c.procedure {
            let e = self.procedures.entry(key.clone()).or_default();
            e.0 += sign;
            e.1 += sign * i64::from(*paid);
        }
    }

    /// The move from `before` to `after` (either may be absent: not yet received).
    pub fn between(before: Option<&Contribution>, after: Option<&Contribution>) -> Delta {
        let mut d = Delta::default();
        if let Some(b) = before {
            d.add(b, -1);
        }
        if let Some(a) = after {
            d.add(a, 1);
        }
        d.groups.retain(|_, c| !c.is_zero());
        d.procedures.retain(|_, c| *c != (0, 0));
        d
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.procedures.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Supplement, Term, TermUnit};
    use jiff::civil::date;

    fn at(y: i16, m: i8, d: i8, h: i8) -> i64 {
        crate::dossier::instant(date(y, m, d).at(h, 0, 0, 0)).unwrap()
    }

    fn facts<'a>(supplements: &'a [Supplement], end: Option<i64>) -> Facts<'a> {
        Facts {
            unit_id: 7,
            procedure_code: "P1",
            clock: Clocked {
                received_at_us: at(2026, 3, 30, 9),
                term: Term {
                    value: 3,
                    unit: TermUnit::WorkingDays,
                },
                appointment: Appointment::on(date(2026, 4, 2)),
                supplements,
                extension: None,
                finished_at_us: end,
            },
            full_online: true,
            filed_online: true,
            fee_bearing: true,
            paid_online: false,
            rated_unsatisfied: false,
        }
    }

    #[test]
    fn an_open_dossier_is_overdue_after_its_appointment_day_plus_its_pauses() {
        let open = contribution(&facts(&[], None)).unwrap();
        assert_eq!(open.group.standing, Standing::Open);
        assert_eq!(open.group.received_month, "2026-03");
        assert_eq!(open.group.overdue_month, "2026-04");
        let from = open.open_overdue_from_us.unwrap();
        // The classifier agrees on both sides of the instant.
        let clock = facts(&[], None).clock;
        assert_eq!(classify_766(&clock, from).unwrap(), Class::PendingWithin);
        assert_eq!(
            classify_766(&clock, from + 1).unwrap(),
            Class::PendingOverdue
        );
        let paused = [Supplement {
            requested_at_us: at(2026, 3, 31, 9),
            reason: String::new(),
            completed_at_us: Some(at(2026, 4, 3, 9)),
        }];
        let clock = facts(&paused, None).clock;
        let later = overdue_from_766(&clock).unwrap().unwrap();
        assert_eq!(later - from, at(2026, 4, 3, 9) - at(2026, 3, 31, 9));
        assert_eq!(classify_766(&clock, later).unwrap(), Class::PendingWithin);
        assert_eq!(
            classify_766(&clock, later + 1).unwrap(),
            Class::PendingOverdue
        );
    }

    #[test]
    fn waiting_for_the_applicant_freezes_the_class_and_a_second_request_is_overdue() {
        let one = [Supplement {
            requested_at_us: at(2026, 3, 31, 9),
            reason: String::new(),
            completed_at_us: None,
        }];
        assert_eq!(overdue_from_766(&facts(&one, None).clock).unwrap(), None);
        let two = [
            Supplement {
                requested_at_us: at(2026, 3, 31, 9),
                reason: String::new(),
                completed_at_us: Some(at(2026, 4, 1, 9)),
            },
            Supplement {
                requested_at_us: at(2026, 4, 1, 10),
                reason: String::new(),
                completed_at_us: None,
            },
        ];
        assert_eq!(overdue_from_766(&facts(&two, None).clock).unwrap(), Some(0));
        let late = [Supplement {
            requested_at_us: at(2026, 4, 6, 9),
            reason: String::new(),
            completed_at_us: None,
        }];
        assert_eq!(
            overdue_from_766(&facts(&late, None).clock).unwrap(),
            Some(0)
        );
    }

    #[test]
    fn an_ended_dossier_keeps_its_class_and_its_overdue_month() {
        let late = contribution(&facts(&[], Some(at(2026, 4, 6, 9)))).unwrap();
        assert_eq!(late.group.standing, Standing::Late);
        assert_eq!(late.group.ended_month, "2026-04");
        assert_eq!(late.group.overdue_month, "2026-04");
        assert_eq!(late.open_overdue_from_us, None);
        let early = contribution(&facts(&[], Some(at(2026, 3, 31, 9)))).unwrap();
        assert_eq!(early.group.standing, Standing::Early);
        assert_eq!(early.group.ended_month, "2026-03");
    }

    #[test]
    fn a_transition_moves_one_dossier_between_groups() {
        let open = contribution(&facts(&[], None)).unwrap();
        let ended = contribution(&facts(&[], Some(at(2026, 4, 1, 9)))).unwrap();
        let d = Delta::between(Some(&open), Some(&ended));
        assert_eq!(d.groups.len(), 2);
        assert_eq!(d.groups[&open.group].dossiers, -1);
        assert_eq!(d.groups[&ended.group].dossiers, 1);
        assert_eq!(d.groups[&ended.group].full_online_filed, 1);
        assert_eq!(d.procedures.len(), 2);
        assert!(Delta::between(Some(&open), Some(&open)).is_empty());
        let first = Delta::between(None, Some(&open));
        assert_eq!(first.groups[&open.group].fee_bearing, 1);
    }
}

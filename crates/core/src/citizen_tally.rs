//! What one closed citizen report (phản ánh, kiến nghị) adds to its unit's PAKN figures,
//! so a period's Decision 766 items 5.1 and 5.2 are read from a few hundred tally rows
//! instead of joining every report of the period with its item and its events.
//!
//! The figures (vn-admin-rules.md §4.3, items 5.1 and 5.2 as the platform records them):
//! of the reports requested in the period, those handled on time (closed on or before
//! their due date, or still open and within it), and those handled on time and never
//! reopened after a complaint about the answer. A closed report's standing no longer
//! moves with the clock, so it is tallied by unit, month requested, on time and
//! reopened; an open one is judged against the day asked about and is counted live (the
//! open reports are few and indexed). Reopening takes a report out of its tally; closing
//! it again puts it back, reopened.

use crate::time::vn_date;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// The tally group of a closed report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub unit_id: i64,
    /// `YYYY-MM` of the request, Vietnam time.
    pub requested_month: String,
    /// Closed on or before its due date.
    pub on_time: bool,
    /// Reopened at least once.
    pub reopened: bool,
}

/// What the tally needs to know of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The handling unit.
    pub unit_id: i64,
    pub requested_at_us: i64,
    pub due_date: Date,
    /// `None` while open.
    pub closed_on: Option<Date>,
    pub reopened: bool,
}

/// The group a report counts in, or `None` while it is open (or if its request instant
/// is outside the calendar).
pub fn contribution(f: &Facts) -> Option<Key> {
    let closed_on = f.closed_on?;
    let requested = vn_date(f.requested_at_us)?;
    Some(Key {
        unit_id: f.unit_id,
        requested_month: format!("{:04}-{:02}", requested.year(), requested.month()),
        on_time: closed_on <= f.due_date,
        reopened: f.reopened,
    })
}

/// Counts to add to (or, negative, take from) tally groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    pub groups: BTreeMap<Key, i64>,
}

impl Delta {
    pub fn add(&mut self, key: &Key, sign: i64) {
        *self.groups.entry(key.clone()).or_default() += sign;
        if self.groups.get(key) == Some(&0) {
            self.groups.remove(key);
        }
    }

    /// The change from a report's old contribution to its new one.
    pub fn between(before: Option<&Key>, after: Option<&Key>) -> Delta {
        let mut d = Delta::default();
        if let Some(b) = before {
            d.add(b, -1);
        }
        if let Some(a) = after {
            d.add(a, 1);
        }
        d
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// A unit's PAKN figures for a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaknCounts {
    pub total: i64,
    pub on_time: i64,
    /// On time and never reopened.
    pub satisfied: i64,
}

impl PaknCounts {
    /// Adds `n` reports of one standing.
    pub fn add(&mut self, on_time: bool, reopened: bool, n: i64) {
        self.total += n;
        if on_time {
            self.on_time += n;
            if !reopened {
                self.satisfied += n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn facts(closed_on: Option<Date>) -> Facts {
        Facts {
            unit_id: 7,
            // 31/10/2026 20:00 in UTC is 01/11/2026 03:00 in Vietnam.
            requested_at_us: 1_793_476_800_000_000,
            due_date: date(2026, 11, 10),
            closed_on,
            reopened: false,
        }
    }

    #[test]
    fn an_open_report_is_not_tallied() {
        assert_eq!(contribution(&facts(None)), None);
    }

    #[test]
    fn a_report_counts_in_the_month_it_was_requested_in_vietnam() {
        let k = contribution(&facts(Some(date(2026, 11, 10)))).unwrap();
        assert_eq!(k.requested_month, "2026-11");
        assert!(k.on_time, "closed on its due date is on time");
        assert!(!k.reopened);
    }

    #[test]
    fn a_report_closed_after_its_due_date_is_late() {
        let k = contribution(&facts(Some(date(2026, 11, 11)))).unwrap();
        assert!(!k.on_time);
    }

    #[test]
    fn reopening_moves_a_report_out_and_closing_again_back_reopened() {
        let first = contribution(&facts(Some(date(2026, 11, 5))));
        let reopened = Facts {
            reopened: true,
            ..facts(None)
        };
        let out = Delta::between(first.as_ref(), contribution(&reopened).as_ref());
        assert_eq!(out.groups.values().sum::<i64>(), -1);
        let closed_again = Facts {
            closed_on: Some(date(2026, 11, 9)),
            ..reopened
        };
        let back = contribution(&closed_again).unwrap();
        assert!(back.reopened && back.on_time);
        let mut total = out;
        for (k, n) in Delta::between(None, Some(&back)).groups {
            total.add(&k, n);
        }
        assert_eq!(
            total.groups.len(),
            2,
            "one group loses it, another gains it"
        );
    }

    #[test]
    fn an_unchanged_contribution_moves_nothing() {
        let k = contribution(&facts(Some(date(2026, 11, 5))));
        assert!(Delta::between(k.as_ref(), k.as_ref()).is_empty());
    }

    #[test]
    fn satisfied_needs_on_time_and_never_reopened() {
        let mut c = PaknCounts::default();
        c.add(true, false, 3);
        c.add(true, true, 2);
        c.add(false, false, 4);
        assert_eq!(
            c,
            PaknCounts {
                total: 9,
                on_time: 5,
                satisfied: 3
            }
        );
    }
}

//! Dossiers of administrative procedures on the legal clock (vn-admin-rules.md §2–§3):
//! a procedure's term, the appointment it gives, supplementation (the legal restart and
//! the Decision 766 pause), the one re-appointment, the classification early / on time /
//! late / pending, and the dossier code. No I/O: instants are UTC microseconds, legal
//! dates are taken in Vietnam time (§1.1).

use crate::calendar::{Calendar, CalendarError};
use jiff::civil::{Date, DateTime, Time};
use serde::{Deserialize, Serialize};

/// The unit of a procedure's term (§2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermUnit {
    SameDay,
    WorkingDays,
    Days,
    Hours,
    Months,
}

impl TermUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            TermUnit::SameDay => "same_day",
            TermUnit::WorkingDays => "working_days",
            TermUnit::Days => "days",
            TermUnit::Hours => "hours",
            TermUnit::Months => "months",
        }
    }

    pub fn parse(text: &str) -> Option<TermUnit> {
        [
            TermUnit::SameDay,
            TermUnit::WorkingDays,
            TermUnit::Days,
            TermUnit::Hours,
            TermUnit::Months,
        ]
        .into_iter()
        .find(|u| u.as_str() == text)
    }
}

/// A procedure's legal time limit: `value` in `unit` (0 for same-day procedures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub value: u32,
    pub unit: TermUnit,
}

/// The local settings of the clock (§1.2 office hours [CONFIG]; §2.3 the 15:00 cut-off
/// [LAW]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockRules {
    pub cutoff: Time,
    pub morning: (Time, Time),
    pub afternoon: (Time, Time),
}

impl Default for ClockRules {
    fn default() -> Self {
        ClockRules {
            cutoff: Time::constant(15, 0, 0, 0),
            morning: (Time::constant(7, 30, 0, 0), Time::constant(11, 30, 0, 0)),
            afternoon: (Time::constant(13, 0, 0, 0), Time::constant(17, 0, 0, 0)),
        }
    }
}

/// The appointment for returning the result: a date, with an hour when the term is
/// counted in hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Appointment {
    pub date: Date,
    pub time: Option<Time>,
}

/// Serialised as `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
impl Serialize for Appointment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.time {
            Some(t) => s.collect_str(&format_args!("{}T{}", self.date, t.strftime("%H:%M"))),
            None => s.collect_str(&self.date),
        }
    }
}

impl Appointment {
    pub fn on(date: Date) -> Appointment {
        Appointment { date, time: None }
    }

    /// Whether something done at `at_us` is done by this appointment.
    pub fn is_met_by(&self, at_us: i64) -> Result<bool, DossierError> {
        let at = local(at_us)?;
        Ok(match self.time {
            Some(t) => at <= self.date.to_datetime(t),
            None => at.date() <= self.date,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("the instant is out of range")]
    BadInstant,
    #[error("a term of {0} {1} is not counted this way")]
    BadTerm(u32, &'static str),
}

impl DossierError {
    pub fn code(&self) -> &'static str {
        match self {
            DossierError::Calendar(CalendarError::Incomplete { .. }) => "calendar_incomplete",
            DossierError::Calendar(_) => "calendar_unknown",
            DossierError::BadInstant => "bad_instant",
            DossierError::BadTerm(..) => "bad_term",
        }
    }
}

/// Vietnam time: UTC+7, no daylight saving (§1.1).
const VN: jiff::tz::Offset = jiff::tz::Offset::constant(7);

/// The instant (µs) of a local (Vietnam) date and time.
pub fn instant(at: DateTime) -> Result<i64, DossierError> {
    VN.to_timestamp(at)
        .map(|t| t.as_microsecond())
        .map_err(|_| DossierError::BadInstant)
}

/// The local (Vietnam) date and time of an instant.
pub fn local(at_us: i64) -> Result<DateTime, DossierError> {
    let ts = jiff::Timestamp::from_microsecond(at_us).map_err(|_| DossierError::BadInstant)?;
    Ok(VN.to_datetime(ts))
}

/// The legal receipt: a dossier received on a non-working day (online) counts as received
/// at the opening of the next working day (§2.2 [CONFIG, common practice]). Returns the
/// date and the local time it counts from.
pub fn effective_receipt(
    calendar: &Calendar,
    received_at_us: i64,
    rules: &ClockRules,
) -> Result<DateTime, DossierError> {
    let at = local(received_at_us)?;
    if calendar.is_working_day(at.date())? {
        return Ok(at);
    }
    let next = calendar.working_day_on_or_after(at.date())?;
    Ok(next.to_datetime(rules.morning.0))
}

/// The appointment for a dossier received at `received_at_us` (§2.2, test vectors §2.7).
///
/// - Same-day procedures: the day of receipt; after the 15:00 cut-off, the next working
///   day (Luật Hộ tịch 2014 art. 5(3); ND 23/2015 art. 7).
/// - Working days: the day of receipt is not counted; the N-th working day after it
///   (Civil Code 2015 art. 147–148).
/// - Calendar days and months: the end of the period, moved to the next working day when
///   it is a rest day or holiday (art. 148(5)).
/// - Hours: working hours within office hours (§2.2 [CONFIG]: no national rule found).
pub fn appointment(
    calendar: &Calendar,
    received_at_us: i64,
    term: Term,
    rules: &ClockRules,
) -> Result<Appointment, DossierError> {
    let start = effective_receipt(calendar, received_at_us, rules)?;
    let date = start.date();
    match term.unit {
        TermUnit::SameDay => {
            if start.time() > rules.cutoff {
                Ok(Appointment::on(calendar.add_working_days(date, 1)?))
            } else {
                Ok(Appointment::on(date))
            }
        }
        TermUnit::WorkingDays => {
            if term.value == 0 {
                return Err(DossierError::BadTerm(0, "working_days"));
            }
            Ok(Appointment::on(
                calendar.add_working_days(date, term.value)?,
            ))
        }
        TermUnit::Days => {
            if term.value == 0 {
                return Err(DossierError::BadTerm(0, "days"));
            }
            Ok(Appointment::on(
                calendar.add_calendar_days(date, term.value)?,
            ))
        }
        TermUnit::Months => {
            if term.value == 0 || term.value > 120 {
                return Err(DossierError::BadTerm(term.value, "months"));
            }
            let end = date
                .checked_add(jiff::Span::new().months(i64::from(term.value)))
                .map_err(|_| DossierError::BadTerm(term.value, "months"))?;
            Ok(Appointment::on(calendar.working_day_on_or_after(end)?))
        }
        TermUnit::Hours => add_office_hours(calendar, start, term.value, rules),
    }
}

/// Counts `hours` of office time from `start`, skipping breaks, evenings and non-working
/// days.
fn add_office_hours(
    calendar: &Calendar,
    start: DateTime,
    hours: u32,
    rules: &ClockRules,
) -> Result<Appointment, DossierError> {
    if hours == 0 || hours > 24 * 60 {
        return Err(DossierError::BadTerm(hours, "hours"));
    }
    let mut left = i64::from(hours) * 3600;
    let mut day = start.date();
    let mut from = start.time();
    loop {
        if calendar.is_working_day(day)? {
            for (open, close) in [rules.morning, rules.afternoon] {
                let begin = from.max(open);
                if begin >= close {
                    continue;
                }
                let available = close.duration_since(begin).as_secs();
                if left <= available {
                    let end = begin
                        .checked_add(jiff::SignedDuration::from_secs(left))
                        .map_err(|_| DossierError::BadInstant)?;
                    return Ok(Appointment {
                        date: day,
                        time: Some(end),
                    });
                }
                left -= available;
            }
        }
        day = day.tomorrow().map_err(|_| DossierError::BadInstant)?;
        from = Time::midnight();
    }
}

/// One request to supplement the dossier (§2.4): when it was asked, what was asked
/// (the complete list), and when the applicant completed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplement {
    pub requested_at_us: i64,
    pub reason: String,
    pub completed_at_us: Option<i64>,
}

/// The one re-appointment (§2.5): the apology letter and the new date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub apology_at_us: i64,
    pub old: Appointment,
    pub new: Appointment,
    pub reason: String,
}

/// What the clock needs to know about one dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clocked<'a> {
    pub received_at_us: i64,
    pub term: Term,
    /// The appointment written on the receipt slip.
    pub appointment: Appointment,
    pub supplements: &'a [Supplement],
    pub extension: Option<&'a Extension>,
    /// Finished (result ready), else returned, else stopped / refused / withdrawn.
    pub finished_at_us: Option<i64>,
}

/// The appointment the law holds the authority to (§2.4 after appraisal: the term
/// restarts from the beginning once the complete dossier is received; §2.5 the
/// re-appointment). `None` while the applicant has not yet supplemented: the clock is
/// stopped, nothing is due from the authority.
pub fn legal_due(
    calendar: &Calendar,
    d: &Clocked,
    rules: &ClockRules,
) -> Result<Option<Appointment>, DossierError> {
    let mut due = d.appointment;
    if let Some(last) = d.supplements.last() {
        match last.completed_at_us {
            Some(at) => due = appointment(calendar, at, d.term, rules)?,
            None => return Ok(None),
        }
    }
    if let Some(e) = d.extension {
        due = due.max(e.new);
    }
    Ok(Some(due))
}

/// How a dossier stands (§2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Early,
    OnTime,
    Late,
    PendingWithin,
    PendingOverdue,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Early => "early",
            Class::OnTime => "on_time",
            Class::Late => "late",
            Class::PendingWithin => "pending_within",
            Class::PendingOverdue => "pending_overdue",
        }
    }

    /// Counted in the numerator of 766 indicator 2.1 (§2.6).
    pub fn counts_as_on_time(self) -> bool {
        matches!(self, Class::Early | Class::OnTime | Class::PendingWithin)
    }
}

/// §2.6: `end` against the appointment `a`, or, unfinished, the evaluation instant `t`.
fn classify_end(a: Appointment, end: Option<DateTime>, t: DateTime) -> Class {
    let limit = match a.time {
        Some(time) => a.date.to_datetime(time),
        None => a.date.to_datetime(Time::MAX),
    };
    match end {
        Some(f) if a.time.is_none() && f.date() < a.date => Class::Early,
        Some(f) if a.time.is_some() && f < limit => Class::Early,
        Some(f) if f <= limit => Class::OnTime,
        Some(_) => Class::Late,
        None if t <= limit => Class::PendingWithin,
        None => Class::PendingOverdue,
    }
}

/// The legal view: finished against the legal due date (restarted after supplementation,
/// moved by the re-appointment unless `late_if_reappointed`, the default of §2.5
/// [CONFIG], keeps the original). A dossier waiting for the applicant is within its term.
pub fn classify_legal(
    calendar: &Calendar,
    d: &Clocked,
    at_us: i64,
    late_if_reappointed: bool,
    rules: &ClockRules,
) -> Result<Class, DossierError> {
    let t = local(at_us)?;
    let end = d.finished_at_us.map(local).transpose()?;
    let waiting = d
        .supplements
        .last()
        .is_some_and(|s| s.completed_at_us.is_none());
    if waiting && end.is_none() {
        return Ok(Class::PendingWithin);
    }
    let without_extension = Clocked {
        extension: None,
        ..d.clone()
    };
    let basis = if late_if_reappointed {
        &without_extension
    } else {
        d
    };
    let due = legal_due(calendar, basis, rules)?.unwrap_or(d.appointment);
    Ok(classify_end(due, end, t))
}

/// The Decision 766 view (§2.4 portal convention, §4.3 indicator 2.1): the original
/// appointment against the elapsed time minus every completed supplementation interval;
/// a dossier still waiting for the applicant "ends" when the supplement was requested,
/// unless more than one request was issued, which counts it overdue.
pub fn classify_766(d: &Clocked, at_us: i64) -> Result<Class, DossierError> {
    let t = local(at_us)?;
    let paused: i64 = d
        .supplements
        .iter()
        .filter_map(|s| s.completed_at_us.map(|c| (c - s.requested_at_us).max(0)))
        .sum();
    let waiting = d.supplements.last().filter(|s| s.completed_at_us.is_none());
    let end_us = match (d.finished_at_us, waiting) {
        (Some(f), _) => Some(f - paused),
        (None, Some(_)) if d.supplements.len() > 1 => return Ok(Class::PendingOverdue),
        (None, Some(s)) => Some(s.requested_at_us - paused),
        (None, None) => None,
    };
    let end = end_us.map(local).transpose()?;
    // An open dossier is judged at the evaluation time less the pauses too.
    let t = if end.is_none() {
        local(at_us - paused)?
    } else {
        t
    };
    let class = classify_end(d.appointment, end, t);
    // A dossier that "ended" at its supplementation request is still open.
    Ok(match (d.finished_at_us, class) {
        (None, Class::Early | Class::OnTime) => Class::PendingWithin,
        (None, Class::Late) => Class::PendingOverdue,
        (_, c) => c,
    })
}

/// Why a re-appointment is refused (§2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    #[error("the return date may be re-set only once")]
    AlreadyExtended,
    #[error("the apology must be sent at least one working day before the due date")]
    TooLate,
    #[error("the new date must be after the current appointment")]
    NotLater,
}

impl ExtensionError {
    pub fn code(self) -> &'static str {
        match self {
            ExtensionError::AlreadyExtended => "extension_once",
            ExtensionError::TooLate => "extension_too_late",
            ExtensionError::NotLater => "extension_not_later",
        }
    }
}

/// Checks a re-appointment asked on `today` for a dossier due on `due`.
pub fn check_extension(
    calendar: &Calendar,
    today: Date,
    due: Date,
    new: Date,
    already: bool,
) -> Result<(), DossierExtensionError> {
    if already {
        return Err(ExtensionError::AlreadyExtended.into());
    }
    if new <= due {
        return Err(ExtensionError::NotLater.into());
    }
    if calendar.working_days_between(today, due)? < 1 {
        return Err(ExtensionError::TooLate.into());
    }
    Ok(())
}

/// A re-appointment's refusal or a calendar that cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierExtensionError {
    #[error(transparent)]
    Rule(#[from] ExtensionError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// §2.5: the alert when the day before the due date is reached without a result or an
/// apology.
pub fn needs_apology(
    calendar: &Calendar,
    today: Date,
    due: Date,
    finished: bool,
    extended: bool,
) -> Result<bool, CalendarError> {
    if finished || extended {
        return Ok(false);
    }
    Ok(calendar.working_days_between(today, due)? <= 1)
}

/// A dossier code in the legacy format of TT 01/2018/TT-VPCP art. 19 (§3):
/// `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`.
pub fn format_code(agency: &str, date: Date, sequence: u32) -> Result<String, CodeError> {
    if !is_agency_code(agency) {
        return Err(CodeError::Agency);
    }
    if sequence == 0 || sequence > 9999 {
        return Err(CodeError::Sequence);
    }
    Ok(format!(
        "{agency}-{:02}{:02}{:02}-{sequence:04}",
        date.year().rem_euclid(100),
        date.month(),
        date.day()
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the agency identifier is not of the form 000.00.00.A00")]
    Agency,
    #[error("the day's sequence is outside 1–9999")]
    Sequence,
    #[error("not a dossier code")]
    Malformed,
}

/// `V1V2V3.Z1Z2.Y1Y2.MX1X2` with the character classes of §3's validation regex.
pub fn is_agency_code(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    let alnum = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    };
    parts.len() == 4
        && alnum(parts[0], 3)
        && alnum(parts[1], 2)
        && alnum(parts[2], 2)
        && parts[3].len() == 3
        && matches!(parts[3].as_bytes()[0], b'A'..=b'Y')
        && parts[3].bytes().skip(1).all(|b| b.is_ascii_digit())
}

/// A code typed into the lookup: legacy (`…-YYMMDD-XXXX`) or centralised
/// (`MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX`), upper-cased and trimmed. Returns it normalised.
pub fn parse_code(text: &str) -> Result<String, CodeError> {
    let code = text.trim().to_uppercase();
    let mut parts = code.split('-');
    let (Some(agency), Some(date), Some(seq), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CodeError::Malformed);
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if date.len() != 6 || !digits(date) || !digits(seq) {
        return Err(CodeError::Malformed);
    }
    let legacy = is_agency_code(agency) && seq.len() == 4;
    let central = {
        let p: Vec<&str> = agency.split('.').collect();
        p.len() == 3
            && p[0].len() == 3
            && matches!(p[0].as_bytes()[0], b'A'..=b'Y')
            && p[0].bytes().skip(1).all(|b| b.is_ascii_digit())
            && p[1].len() == 3
            && p[2].len() == 2
            && p[1..].iter().all(|s| {
                s.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            })
            && seq.len() >= 6
    };
    if legacy || central {
        Ok(code)
    } else {
        Err(CodeError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn calendar() -> Calendar {
        Calendar::from_csv(
            include_str!("../../../data/vn-calendar-years.csv"),
            include_str!("../../../data/vn-public-sector-calendar.csv"),
        )
        .unwrap()
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// A local (Vietnam) time as UTC microseconds.
    fn at(s: &str) -> i64 {
        let dt: DateTime = s.parse().unwrap();
        VN.to_timestamp(dt).unwrap().as_microsecond()
    }

    fn term(value: u32, unit: TermUnit) -> Term {
        Term { value, unit }
    }

    #[test]
    fn appointments_follow_the_spec_test_vectors() {
        let c = calendar();
        let rules = ClockRules::default();
        let wd = TermUnit::WorkingDays;
        let cases = [
            ("2026-04-24T16:10", term(3, wd), "2026-05-04"),
            ("2026-02-11T10:00", term(5, wd), "2026-02-25"),
            ("2026-11-20T09:00", term(3, wd), "2026-11-26"),
            ("2026-01-09T11:00", term(1, wd), "2026-01-10"),
            ("2026-08-21T08:30", term(2, wd), "2026-08-24"),
            ("2026-02-13T09:00", term(1, wd), "2026-02-23"),
            ("2026-04-24T14:59", term(0, TermUnit::SameDay), "2026-04-24"),
            ("2026-04-24T15:01", term(0, TermUnit::SameDay), "2026-04-28"),
            ("2026-11-23T15:30", term(0, TermUnit::SameDay), "2026-11-25"),
            ("2026-04-25T09:00", term(0, TermUnit::SameDay), "2026-04-28"),
            ("2026-04-11T10:00", term(15, TermUnit::Days), "2026-04-28"),
            ("2026-02-02T10:00", term(15, TermUnit::Days), "2026-02-23"),
        ];
        for (received, t, due) in cases {
            assert_eq!(
                appointment(&c, at(received), t, &rules).unwrap(),
                Appointment::on(d(due)),
                "{received} {t:?}"
            );
        }
    }

    #[test]
    fn the_year_end_vector_needs_the_2027_calendar() {
        // Thu 2026-12-31 14:00 + 2 working days = Tue 2027-01-05 once 1/1/2027 is known.
        let c = calendar();
        let r = appointment(
            &c,
            at("2026-12-31T14:00"),
            term(2, TermUnit::WorkingDays),
            &ClockRules::default(),
        );
        match r {
            Ok(a) => assert_eq!(a.date, d("2027-01-05")),
            Err(e) => assert_eq!(e.code(), "calendar_unknown"),
        }
    }

    #[test]
    fn hour_terms_count_office_hours_only() {
        let c = calendar();
        let rules = ClockRules::default();
        // Fri 2026-11-20 16:00 + 4 h: one hour on Friday, three on Monday morning.
        let a = appointment(&c, at("2026-11-20T16:00"), term(4, TermUnit::Hours), &rules).unwrap();
        assert_eq!(a.date, d("2026-11-23"));
        assert_eq!(a.time, Some(Time::constant(10, 30, 0, 0)));
        // Over the lunch break.
        let a = appointment(&c, at("2026-11-23T11:00"), term(1, TermUnit::Hours), &rules).unwrap();
        assert_eq!(a.time, Some(Time::constant(13, 30, 0, 0)));
    }

    #[test]
    fn the_supplementation_example_in_both_views() {
        let c = calendar();
        let rules = ClockRules::default();
        let received = at("2026-03-02T09:00");
        let t = term(5, TermUnit::WorkingDays);
        let slip = appointment(&c, received, t, &rules).unwrap();
        assert_eq!(slip.date, d("2026-03-09"));
        let supplements = vec![Supplement {
            requested_at_us: at("2026-03-04T10:00"),
            reason: "Thiếu bản sao CCCD".into(),
            completed_at_us: Some(at("2026-03-09T10:00")),
        }];
        let dossier = Clocked {
            received_at_us: received,
            term: t,
            appointment: slip,
            supplements: &supplements,
            extension: None,
            finished_at_us: Some(at("2026-03-13T16:00")),
        };
        let now = at("2026-03-31T12:00");
        assert_eq!(
            legal_due(&c, &dossier, &rules).unwrap(),
            Some(Appointment::on(d("2026-03-16")))
        );
        assert_eq!(
            classify_legal(&c, &dossier, now, true, &rules).unwrap(),
            Class::Early
        );
        // "Adjusted end Sun 08/03 16:00 ≤ appointment 09/03 → on time" (§2.7): within the
        // appointment, which the table of §2.6 calls early since 08/03 < 09/03.
        let view = classify_766(&dossier, now).unwrap();
        assert_eq!(view, Class::Early);
        assert!(view.counts_as_on_time());

        // A second request never answered: overdue in the 766 view.
        let two = vec![
            supplements[0].clone(),
            Supplement {
                requested_at_us: at("2026-03-11T10:00"),
                reason: "Thiếu tờ khai".into(),
                completed_at_us: None,
            },
        ];
        let waiting = Clocked {
            supplements: &two,
            finished_at_us: None,
            ..dossier.clone()
        };
        assert_eq!(classify_766(&waiting, now).unwrap(), Class::PendingOverdue);
        assert_eq!(legal_due(&c, &waiting, &rules).unwrap(), None);
        // One request not yet answered: its processing "ends" at the request.
        let one = vec![Supplement {
            completed_at_us: None,
            ..supplements[0].clone()
        }];
        let waiting_once = Clocked {
            supplements: &one,
            finished_at_us: None,
            ..dossier
        };
        assert_eq!(
            classify_766(&waiting_once, now).unwrap(),
            Class::PendingWithin
        );
    }

    #[test]
    fn classes_by_the_table_of_section_2_6() {
        let a = Appointment::on(d("2026-03-09"));
        let t = local(at("2026-03-20T10:00")).unwrap();
        let f = |s: &str| Some(local(at(s)).unwrap());
        assert_eq!(classify_end(a, f("2026-03-06T10:00"), t), Class::Early);
        assert_eq!(classify_end(a, f("2026-03-09T16:59"), t), Class::OnTime);
        assert_eq!(classify_end(a, f("2026-03-10T08:00"), t), Class::Late);
        let before = local(at("2026-03-09T12:00")).unwrap();
        assert_eq!(classify_end(a, None, before), Class::PendingWithin);
        assert_eq!(classify_end(a, None, t), Class::PendingOverdue);
        assert!(Class::PendingWithin.counts_as_on_time());
        assert!(!Class::PendingOverdue.counts_as_on_time());
    }

    #[test]
    fn a_reappointment_is_allowed_once_and_a_day_ahead() {
        let c = calendar();
        let due = d("2026-11-26");
        let new = d("2026-12-03");
        assert_eq!(
            check_extension(&c, d("2026-11-25"), due, new, false),
            Ok(())
        );
        assert_eq!(
            check_extension(&c, d("2026-11-26"), due, new, false),
            Err(ExtensionError::TooLate.into())
        );
        assert_eq!(
            check_extension(&c, d("2026-11-20"), due, new, true),
            Err(ExtensionError::AlreadyExtended.into())
        );
        assert_eq!(
            check_extension(&c, d("2026-11-20"), due, due, false),
            Err(ExtensionError::NotLater.into())
        );
        assert!(needs_apology(&c, d("2026-11-25"), due, false, false).unwrap());
        assert!(!needs_apology(&c, d("2026-11-20"), due, false, false).unwrap());
        assert!(!needs_apology(&c, d("2026-11-25"), due, false, true).unwrap());
    }

    #[test]
    fn dossier_codes_have_the_legacy_shape_and_lookups_are_checked() {
        let code = format_code("267.34.00.A00", d("2025-11-27"), 1).unwrap();
        assert_eq!(code, "267.34.00.A00-251127-0001");
        assert_eq!(parse_code(" 267.34.00.a00-251127-0001 "), Ok(code));
        assert_eq!(
            parse_code("A01.123.01-260125-010001"),
            Ok("A01.123.01-260125-010001".into())
        );
        for bad in [
            "",
            "267.34.00.A00",
            "267.34.00.Z00-251127-0001",
            "267.34.00.A00-2511-0001",
            "267.34.00.A00-251127-01",
            "'; DROP TABLE--",
        ] {
            assert_eq!(parse_code(bad), Err(CodeError::Malformed), "{bad}");
        }
        assert_eq!(
            format_code("bad", d("2025-11-27"), 1),
            Err(CodeError::Agency)
        );
        assert_eq!(
            format_code("267.34.00.A00", d("2025-11-27"), 10_000),
            Err(CodeError::Sequence)
        );
    }

    fn instants_2026() -> impl Strategy<Value = i64> {
        (at("2026-01-02T00:00")..at("2026-11-30T00:00")).prop_map(|x| x)
    }

    proptest! {
        #[test]
        fn appointments_fall_on_working_days_and_never_before_receipt(
            received in instants_2026(),
            value in 0u32..30,
            unit in prop::sample::select(vec![TermUnit::SameDay, TermUnit::WorkingDays, TermUnit::Days]),
        ) {
            let c = calendar();
            let value = if unit == TermUnit::SameDay { 0 } else { value.max(1) };
            let a = appointment(&c, received, term(value, unit), &ClockRules::default()).unwrap();
            prop_assert!(c.is_working_day(a.date).unwrap());
            prop_assert!(a.date >= local(received).unwrap().date());
        }

        #[test]
        fn a_pause_never_shortens_the_legal_term(
            received in instants_2026(),
            value in 1u32..15,
            requested_after_h in 0i64..200,
            pause_h in 0i64..400,
        ) {
            let c = calendar();
            let rules = ClockRules::default();
            let t = term(value, TermUnit::WorkingDays);
            let slip = appointment(&c, received, t, &rules).unwrap();
            let requested = received + requested_after_h * 3_600_000_000;
            let s = vec![Supplement {
                requested_at_us: requested,
                reason: "x".into(),
                completed_at_us: Some(requested + pause_h * 3_600_000_000),
            }];
            let dossier = Clocked {
                received_at_us: received,
                term: t,
                appointment: slip,
                supplements: &s,
                extension: None,
                finished_at_us: None,
            };
            if let Ok(Some(due)) = legal_due(&c, &dossier, &rules) {
                prop_assert!(due >= slip);
                prop_assert!(c.is_working_day(due.date).unwrap());
            }
        }
    }
}

//! The working-day calendar of the Vietnamese public sector.
//!
//! A date is a working day if it is Monday–Friday or a Saturday/Sunday declared a
//! make-up working day, and it is not a holiday, a make-up day off or a swapped day off
//! (specs/vn-admin-rules.md §1.2; QĐ 188/1999/QĐ-TTg for the 5-day week; Labour Code 2019
//! art. 111–112 for holidays). Holidays are yearly data from the State's notices: a year
//! whose notice has not been issued is incomplete, and any answer that depends on its
//! uncertain dates is refused instead of guessed.

use jiff::civil::{Date, Weekday};
use std::collections::BTreeMap;

/// Why a day is off or worked, as the notices say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A holiday of Labour Code art. 112(1) (or a later law, e.g. Culture Day).
    Statutory,
    /// Nghỉ bù: a holiday fell on a weekly rest day (art. 111(3)).
    MakeUp,
    /// A weekday off by a swap notice.
    SwapOff,
    /// A weekend day worked by a swap notice.
    SwapWork,
    /// One of the Tết days fixed each year by the Prime Minister (art. 112(3)).
    AnnouncedTetDay,
}

impl DayKind {
    pub const ALL: [DayKind; 5] = [
        DayKind::Statutory,
        DayKind::MakeUp,
        DayKind::SwapOff,
        DayKind::SwapWork,
        DayKind::AnnouncedTetDay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Statutory => "statutory",
            DayKind::MakeUp => "make_up",
            DayKind::SwapOff => "swap_off",
            DayKind::SwapWork => "swap_work",
            DayKind::AnnouncedTetDay => "announced_tet_day",
        }
    }

    pub fn parse(value: &str) -> Option<DayKind> {
        DayKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Whether a day of this kind is worked.
    pub fn is_working(self) -> bool {
        self == DayKind::SwapWork
    }
}

/// One day that differs from the ordinary week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    pub date: Date,
    pub kind: DayKind,
    pub name: String,
    pub source: String,
}

/// What is known of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCalendar {
    pub year: i16,
    /// The year's notice has been entered: every day is known.
    pub complete: bool,
    /// For an incomplete year: the first date whose status is not known yet.
    pub pending_from: Option<Date>,
    pub source: String,
    pub days: Vec<SpecialDay>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "the working-day calendar of {year} is incomplete from {from}: its holiday notice has not been entered"
    )]
    Incomplete { year: i16, from: Date },
    #[error("the working-day calendar has no data for {0}")]
    UnknownYear(i16),
    #[error("a term of {0} days is longer than this calendar computes (at most 3650)")]
    TermTooLong(u32),
    #[error("malformed calendar data: {0}")]
    Malformed(String),
}

/// Terms longer than ten years are certainly input errors.
const MAX_TERM: u32 = 3650;

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i16, YearCalendar>,
    days: BTreeMap<Date, DayKind>,
}

impl Calendar {
    pub fn new(years: Vec<YearCalendar>) -> Calendar {
        let mut calendar = Calendar::default();
        for year in years {
            for d in &year.days {
                calendar.days.insert(d.date, d.kind);
            }
            calendar.years.insert(year.year, year);
        }
        calendar
    }

    /// Parses the two CSV files of `data/` (see `data/SOURCES.md`).
    pub fn from_csv(years_csv: &str, days_csv: &str) -> Result<Calendar, CalendarError> {
        #[derive(serde::Deserialize)]
        struct YearRow {
            year: i16,
            complete: bool,
            pending_from: Option<String>,
            source: String,
        }
        #[derive(serde::Deserialize)]
        struct DayRow {
            year: i16,
            date: String,
            kind: String,
            name: String,
            source: String,
        }
        let bad = |e: &dyn std::fmt::Display| CalendarError::Malformed(e.to_string());
        let parse_date = |s: &str| s.parse::<Date>().map_err(|e| bad(&e));
        let mut years: BTreeMap<i16, YearCalendar> = BTreeMap::new();
        for row in csv::Reader::from_reader(years_csv.as_bytes()).deserialize::<YearRow>() {
            let row = row.map_err(|e| bad(&e))?;
            let pending_from = match row.pending_from.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => Some(parse_date(s)?),
                None => None,
            };
            years.insert(
                row.year,
                YearCalendar {
                    year: row.year,
                    complete: row.complete,
                    pending_from,
                    source: row.source,
                    days: Vec::new(),
                },
            );
        }
        for row in csv::Reader::from_reader(days_csv.as_bytes()).deserialize::<DayRow>() {
            let row = row.map_err(|e| bad(&e))?;
            let date = parse_date(&row.date)?;
            let kind = DayKind::parse(&row.kind)
                .ok_or_else(|| bad(&format!("unknown kind {}", row.kind)))?;
            let year = years
                .get_mut(&row.year)
                .filter(|_| date.year() == row.year)
                .ok_or_else(|| bad(&format!("{} is not in a declared year", row.date)))?;
            year.days.push(SpecialDay {
                date,
                kind,
                name: row.name,
                source: row.source,
            });
        }
        Ok(Calendar::new(years.into_values().collect()))
    }

    pub fn years(&self) -> impl Iterator<Item = &YearCalendar> {
        self.years.values()
    }

    pub fn year(&self, year: i16) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    /// Whether `date` is a working day of the public sector.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        let year = self
            .years
            .get(&date.year())
            .ok_or(CalendarError::UnknownYear(date.year()))?;
        if !year.complete {
            let from = year
                .pending_from
                .unwrap_or_else(|| Date::constant(date.year(), 1, 1));
            if date >= from {
                return Err(CalendarError::Incomplete {
                    year: year.year,
                    from,
                });
            }
        }
        Ok(match self.days.get(&date) {
            Some(kind) => kind.is_working(),
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        })
    }

    fn next_day(date: Date) -> Result<Date, CalendarError> {
        date.tomorrow()
            .map_err(|_| CalendarError::UnknownYear(date.year()))
    }

    /// The first working day on or after `date`.
    pub fn working_day_on_or_after(&self, date: Date) -> Result<Date, CalendarError> {
        let mut d = date;
        for _ in 0..=MAX_TERM {
            if self.is_working_day(d)? {
                return Ok(d);
            }
            d = Self::next_day(d)?;
        }
        Err(CalendarError::TermTooLong(MAX_TERM))
    }

    /// The day a term of `n` working days starting on `start` ends: the day of `start`
    /// is not counted; day 1 is the first working day after it (Civil Code 2015
    /// art. 147(2)–(3), 148(1)). With `n = 0`, the first working day on or after `start`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        if n > MAX_TERM {
            return Err(CalendarError::TermTooLong(n));
        }
        if n == 0 {
            return self.working_day_on_or_after(start);
        }
        let mut d = start;
        let mut counted = 0;
        while counted < n {
            d = Self::next_day(d)?;
            if self.is_working_day(d)? {
                counted += 1;
            }
        }
        Ok(d)
    }

    /// A term of `n` calendar days: ends at the end of day `n` after `start`, moved to the
    /// next working day if that is a rest day or holiday (Civil Code 2015 art. 148(5)).
    pub fn add_calendar_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        if n > MAX_TERM {
            return Err(CalendarError::TermTooLong(n));
        }
        let end = start
            .checked_add(jiff::Span::new().days(i64::from(n)))
            .map_err(|_| CalendarError::TermTooLong(n))?;
        self.working_day_on_or_after(end)
    }

    /// Working days in the interval (`from`, `to`]: positive when `to` is later,
    /// negative when it is earlier, 0 on the same day.
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<i64, CalendarError> {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0i64;
        let mut d = a;
        let mut steps = 0;
        while d < b {
            d = Self::next_day(d)?;
            steps += 1;
            if steps > MAX_TERM * 2 {
                return Err(CalendarError::TermTooLong(steps));
            }
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }
}

impl Calendar {
    /// Working days between two instants (UTC epoch microseconds), counted on their
    /// dates in Vietnam time: the working days in (date of `from`, date of `to`].
    pub fn working_days_between_instants(
        &self,
        from_us: i64,
        to_us: i64,
    ) -> Result<i64, CalendarError> {
        let date = |us| crate::time::vn_date(us).ok_or(CalendarError::UnknownYear(0));
        self.working_days_between(date(from_us)?, date(to_us)?)
    }
}

/// The holidays the law fixes for `year`, to pre-fill a notice before it is issued:
/// Labour Code 2019 art. 112(1) (1/1, Giỗ Tổ on lunar 10/3, 30/4, 1/5, 2/9) and, from
/// 2026, Culture Day 24/11 (Nghị quyết 28/2026/QH16); a make-up day off for each
/// art. 112(1) holiday on a weekend (art. 111(3)), not for Culture Day. The Tết days and
/// the day beside 2/9 are chosen by each year's notice and are not guessed here.
pub fn statutory_days(year: i16) -> Vec<SpecialDay> {
    let law = "Bộ luật Lao động 2019 art. 112(1)";
    let on = |month: i8, day: i8| Date::new(year, month, day).ok();
    let mut fixed = vec![
        (on(1, 1), "Tết Dương lịch", law),
        (
            crate::lunar::gio_to(i32::from(year)),
            "Giỗ Tổ Hùng Vương",
            law,
        ),
        (on(4, 30), "Ngày Chiến thắng", law),
        (on(5, 1), "Ngày Quốc tế Lao động", law),
        (on(9, 2), "Quốc khánh", law),
    ];
    let labour_code_days: Vec<Date> = fixed.iter().filter_map(|(d, _, _)| *d).collect();
    if year >= 2026 {
        fixed.push((
            on(11, 24),
            "Ngày Văn hóa Việt Nam",
            "Nghị quyết 28/2026/QH16 art. 2",
        ));
    }
    let mut days: Vec<SpecialDay> = fixed
        .into_iter()
        .filter_map(|(date, name, source)| {
            Some(SpecialDay {
                date: date?,
                kind: DayKind::Statutory,
                name: name.to_string(),
                source: source.to_string(),
            })
        })
        .collect();
    let mut taken: Vec<Date> = days.iter().map(|d| d.date).collect();
    for holiday in labour_code_days {
        if !matches!(holiday.weekday(), Weekday::Saturday | Weekday::Sunday) {
            continue;
        }
        let mut d = holiday;
        while let Ok(next) = d.tomorrow() {
            d = next;
            if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !taken.contains(&d) {
                break;
            }
        }
        taken.push(d);
        days.push(SpecialDay {
            date: d,
            kind: DayKind::MakeUp,
            name: format!("Nghỉ bù {}", holiday.strftime("%d/%m")),
            source: "Bộ luật Lao động 2019 art. 111(3)".to_string(),
        });
    }
    days.sort_by_key(|d| d.date);
    days
}

/// A problem with one line of a notice being entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeLineError {
    /// 1-based line number.
    pub line: usize,
    pub problem: NoticeProblem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeProblem {
    /// Not `date, kind, name`.
    Shape,
    /// Not a date as YYYY-MM-DD or dd/mm/yyyy.
    BadDate,
    /// The date is in another year.
    OtherYear,
    UnknownKind,
    /// The same date twice.
    Duplicate,
    /// A worked swap day must be a Saturday or Sunday.
    SwapWorkOnWeekday,
    /// A make-up or swapped day off must be a weekday.
    DayOffOnWeekend,
}

impl NoticeProblem {
    pub fn code(self) -> &'static str {
        match self {
            NoticeProblem::Shape => "shape",
            NoticeProblem::BadDate => "bad_date",
            NoticeProblem::OtherYear => "other_year",
            NoticeProblem::UnknownKind => "unknown_kind",
            NoticeProblem::Duplicate => "duplicate",
            NoticeProblem::SwapWorkOnWeekday => "swap_work_on_weekday",
            NoticeProblem::DayOffOnWeekend => "day_off_on_weekend",
        }
    }
}

/// Reads a date written `YYYY-MM-DD` or, as Vietnamese documents write it, `dd/mm/yyyy`.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(d) = text.parse::<Date>() {
        return Some(d);
    }
    let mut parts = text.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Date::new(
        y.trim().parse().ok()?,
        m.trim().parse().ok()?,
        d.trim().parse().ok()?,
    )
    .ok()
}

/// Parses a year's notice entered one day per line as `date, kind, name` (blank lines
/// and lines starting with `#` are skipped). Every problem is reported with its line.
pub fn parse_notice(
    year: i16,
    text: &str,
    source: &str,
) -> Result<Vec<SpecialDay>, Vec<NoticeLineError>> {
    let mut days: Vec<SpecialDay> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fail = |problem| NoticeLineError {
            line: i + 1,
            problem,
        };
        let mut fields = line.splitn(3, ',').map(str::trim);
        let (Some(date), Some(kind)) = (fields.next(), fields.next()) else {
            errors.push(fail(NoticeProblem::Shape));
            continue;
        };
        let name = fields.next().unwrap_or("").to_string();
        let Some(date) = parse_date(date) else {
            errors.push(fail(NoticeProblem::BadDate));
            continue;
        };
        let Some(kind) = DayKind::parse(kind) else {
            errors.push(fail(NoticeProblem::UnknownKind));
            continue;
        };
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        let problem = if date.year() != year {
            Some(NoticeProblem::OtherYear)
        } else if days.iter().any(|d| d.date == date) {
            Some(NoticeProblem::Duplicate)
        } else if kind == DayKind::SwapWork && !weekend {
            Some(NoticeProblem::SwapWorkOnWeekday)
        } else if matches!(kind, DayKind::MakeUp | DayKind::SwapOff) && weekend {
            Some(NoticeProblem::DayOffOnWeekend)
        } else {
            None
        };
        match problem {
            Some(p) => errors.push(fail(p)),
            None => days.push(SpecialDay {
                date,
                kind,
                name,
                source: source.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        days.sort_by_key(|d| d.date);
        Ok(days)
    } else {
        Err(errors)
    }
}

/// The lines `parse_notice` reads, for editing a year that is already entered.
pub fn format_notice(days: &[SpecialDay]) -> String {
    days.iter()
        .map(|d| format!("{}, {}, {}\n", d.date, d.kind.as_str(), d.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn statutory_days_are_pre_filled_from_the_law() {
        let days = statutory_days(2027);
        let got: Vec<(String, &str)> = days
            .iter()
            .map(|d| (d.date.to_string(), d.kind.as_str()))
            .collect();
        // specs/vn-admin-rules.md §1.3, row 2027.
        let expected = [
            ("2027-01-01", "statutory"),
            ("2027-04-16", "statutory"),
            ("2027-04-30", "statutory"),
            ("2027-05-01", "statutory"),
            ("2027-05-03", "make_up"),
            ("2027-09-02", "statutory"),
            ("2027-11-24", "statutory"),
        ];
        assert_eq!(got, expected.map(|(d, k)| (d.to_string(), k)));
        // 2026: Giỗ Tổ on Sunday 26/4 → nghỉ bù Monday 27/4, as TB 9441 says.
        let days = statutory_days(2026);
        assert!(
            days.iter()
                .any(|d| d.date == d_("2026-04-27") && d.kind == DayKind::MakeUp)
        );
        // 2025: no Culture Day yet.
        assert!(
            statutory_days(2025)
                .iter()
                .all(|d| d.date != d_("2025-11-24"))
        );
    }

    fn d_(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn notices_are_read_line_by_line_with_every_problem_reported() {
        let text = "# Thông báo 9441\n2026-01-01, statutory, Tết Dương lịch\n10/01/2026, swap_work, Làm bù\n\n\
                    2026-13-01, statutory, x\n2026-01-01, statutory, again\n2026-01-05, swap_work, Monday\n\
                    2026-01-03, swap_off, Saturday\n2025-12-31, statutory, last year\n2026-02-02, holiday\njust text";
        let errors = parse_notice(2026, text, "TB").unwrap_err();
        let got: Vec<(usize, NoticeProblem)> = errors.iter().map(|e| (e.line, e.problem)).collect();
        assert_eq!(
            got,
            [
                (5, NoticeProblem::BadDate),
                (6, NoticeProblem::Duplicate),
                (7, NoticeProblem::SwapWorkOnWeekday),
                (8, NoticeProblem::DayOffOnWeekend),
                (9, NoticeProblem::OtherYear),
                (10, NoticeProblem::UnknownKind),
                (11, NoticeProblem::Shape),
            ]
        );
        let ok = parse_notice(
            2026,
            "10/01/2026, swap_work, Làm bù\n2026-01-01, statutory, Tết",
            "TB",
        )
        .unwrap();
        assert_eq!(ok[0].date, d("2026-01-01"));
        assert_eq!(ok[1].kind, DayKind::SwapWork);
        assert_eq!(parse_notice(2026, &format_notice(&ok), "TB").unwrap(), ok);
    }

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

    /// specs/vn-admin-rules.md §2.7, working-day and calendar-day vectors.
    #[test]
    fn spec_vectors_2026() {
        let c = calendar();
        for (received, n, due) in [
            ("2026-04-24", 3, "2026-05-04"),
            ("2026-02-11", 5, "2026-02-25"),
            ("2026-11-20", 3, "2026-11-26"),
            ("2026-01-09", 1, "2026-01-10"),
            ("2026-08-21", 2, "2026-08-24"),
            ("2026-12-31", 2, "2027-01-05"),
            ("2026-02-13", 1, "2026-02-23"),
            ("2026-03-09", 5, "2026-03-16"),
        ] {
            assert_eq!(
                c.add_working_days(d(received), n).unwrap(),
                d(due),
                "{received} + {n}"
            );
        }
        assert_eq!(
            c.add_calendar_days(d("2026-04-11"), 15).unwrap(),
            d("2026-04-28")
        );
        assert_eq!(
            c.add_calendar_days(d("2026-02-02"), 15).unwrap(),
            d("2026-02-23")
        );
    }

    /// Every day of 2025 and 2026 against the spec's table (§1.3): the weekdays off and
    /// the weekend days worked; every other day follows the Monday–Friday week.
    #[test]
    fn the_2025_and_2026_calendars_day_by_day() {
        let c = calendar();
        let weekdays_off = [
            "2025-01-01",
            "2025-01-27",
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
            "2025-04-07",
            "2025-04-30",
            "2025-05-01",
            "2025-05-02",
            "2025-09-01",
            "2025-09-02",
            "2026-01-01",
            "2026-01-02",
            "2026-02-16",
            "2026-02-17",
            "2026-02-18",
            "2026-02-19",
            "2026-02-20",
            "2026-04-27",
            "2026-04-30",
            "2026-05-01",
            "2026-08-31",
            "2026-09-01",
            "2026-09-02",
            "2026-11-24",
        ]
        .map(d);
        let weekends_worked = ["2025-04-26", "2026-01-10", "2026-08-22"].map(d);
        let mut day = d("2025-01-01");
        let mut checked = 0;
        while day.year() <= 2026 {
            let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
            let expected = if weekend {
                weekends_worked.contains(&day)
            } else {
                !weekdays_off.contains(&day)
            };
            assert_eq!(c.is_working_day(day).unwrap(), expected, "{day}");
            day = day.tomorrow().unwrap();
            checked += 1;
        }
        assert_eq!(checked, 730);
    }

    #[test]
    fn notices_make_days_off_and_working_saturdays() {
        let c = calendar();
        assert!(
            !c.is_working_day(d("2026-04-27")).unwrap(),
            "nghỉ bù Giỗ Tổ"
        );
        assert!(
            c.is_working_day(d("2026-08-22")).unwrap(),
            "swapped working Saturday"
        );
        assert!(!c.is_working_day(d("2026-08-31")).unwrap());
        assert!(!c.is_working_day(d("2025-01-29")).unwrap(), "Tết 2025");
        assert!(c.is_working_day(d("2025-04-26")).unwrap());
        assert!(!c.is_working_day(d("2026-11-24")).unwrap(), "Culture Day");
        assert!(c.is_working_day(d("2026-11-25")).unwrap());
    }

    #[test]
    fn incomplete_and_unknown_years_are_refused_not_guessed() {
        let c = calendar();
        assert!(c.is_working_day(d("2027-01-04")).unwrap());
        assert_eq!(
            c.is_working_day(d("2027-02-08")),
            Err(CalendarError::Incomplete {
                year: 2027,
                from: d("2027-01-30")
            })
        );
        assert!(matches!(
            c.add_working_days(d("2027-01-25"), 10),
            Err(CalendarError::Incomplete { .. })
        ));
        assert_eq!(
            c.is_working_day(d("2024-06-03")),
            Err(CalendarError::UnknownYear(2024))
        );
        assert_eq!(
            c.add_working_days(d("2026-01-05"), 5000),
            Err(CalendarError::TermTooLong(5000))
        );
    }

    #[test]
    fn working_days_between_counts_the_interval() {
        let c = calendar();
        let us = |s: &str| s.parse::<jiff::Timestamp>().unwrap().as_microsecond();
        // 2026-04-23T20:00Z is already Friday 24/4 in Vietnam.
        assert_eq!(
            c.working_days_between_instants(us("2026-04-23T20:00:00Z"), us("2026-05-04T02:00:00Z"))
                .unwrap(),
            3
        );
        assert_eq!(
            c.working_days_between(d("2026-04-24"), d("2026-05-04"))
                .unwrap(),
            3
        );
        assert_eq!(
            c.working_days_between(d("2026-05-04"), d("2026-04-24"))
                .unwrap(),
            -3
        );
        assert_eq!(
            c.working_days_between(d("2026-02-13"), d("2026-02-13"))
                .unwrap(),
            0
        );
    }

    fn dates_2025_2026() -> impl Strategy<Value = Date> {
        (0i64..680).prop_map(|n| {
            d("2025-01-01")
                .checked_add(jiff::Span::new().days(n))
                .unwrap()
        })
    }

    proptest! {
            #[test]
            fn a_term_ends_on_a_working_day_n_working_days_later(start in dates_2025_2026(), n in 0u32..40) {
                let c = calendar();
                let end = c.add_working_days(start, n).unwrap();
                prop_assert!(c.is_working_day(end).unwrap());
                prop_assert!(end >= start);
                if n > 0 {
                    prop_assert_eq!(c.working_days_between(start, end).unwrap(), i64::from(n));
                }
            }

            #[test]
            fn terms_grow_with_their_length(start in dates_2025_2026(), n in 1u32..40) {
                let c = calendar();
                let longer = c.add_working_days(start, n).unwrap();
                let shorter = c.add_working_days(start, n - 1).unwrap();
                // Day 0 is the first working day on or after the start, which is also day 1
                // when the start itself is a rest day; every later day is strictly later.
                if n == 1 && !c.is_working_day(start).unwrap() {
                    prop_assert_eq!(longer, shorter);
                } else {
                    prop_assert!(longer > shorter);
                }
    }
        }
}

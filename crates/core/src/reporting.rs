//! Periodic reports: frequencies and their periods, typed fields and their values,
//! aggregation across units and actual-against-target. No I/O.
//!
//! Two period systems (spec `vn-admin-rules.md` §5, selectable per template):
//! - **cut-off** (thời gian chốt số liệu, ND 09/2019/NĐ-CP art. 12): a monthly period runs
//!   from the 15th of the previous month to the 14th of the reporting month; quarterly
//!   from the 15th of the month before the quarter to the 14th of its last month;
//!   6-month, 9-month and annual from 15 December of the previous year to 14 June,
//!   14 September and 14 December;
//! - **calendar** (spec §4.5): month, quarter, first six or nine months, year.
//!
//! Neither rule defines a week, so a weekly period is the ISO week (Monday to Sunday)
//! in both systems.

use jiff::ToSpan;
use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Weekly,
    Monthly,
    Quarterly,
    SixMonth,
    NineMonth,
    Yearly,
}

impl Frequency {
    pub const ALL: [Frequency; 6] = [
        Frequency::Weekly,
        Frequency::Monthly,
        Frequency::Quarterly,
        Frequency::SixMonth,
        Frequency::NineMonth,
        Frequency::Yearly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::SixMonth => "six_month",
            Frequency::NineMonth => "nine_month",
            Frequency::Yearly => "yearly",
        }
    }

    pub fn parse(value: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == value)
    }

    /// Periods in a year (weeks: the ISO year's last week number).
    fn periods_in(self, year: i16) -> u8 {
        match self {
            Frequency::Weekly => last_iso_week(year),
            Frequency::Monthly => 12,
            Frequency::Quarterly => 4,
            Frequency::SixMonth | Frequency::NineMonth | Frequency::Yearly => 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodSystem {
    /// 15th → 14th (ND 09/2019).
    CutOff,
    /// Calendar months, quarters and years.
    Calendar,
}

impl PeriodSystem {
    pub const ALL: [PeriodSystem; 2] = [PeriodSystem::CutOff, PeriodSystem::Calendar];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodSystem::CutOff => "cut_off",
            PeriodSystem::Calendar => "calendar",
        }
    }

    pub fn parse(value: &str) -> Option<PeriodSystem> {
        PeriodSystem::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// One reporting period: week or month or quarter `index` of `year` (1 for the
/// once-a-year frequencies). Its key (`2026-M11`, `2026-Q4`, `2026-W48`, `2026-H1`,
/// `2026-9M`, `2026-Y`) names it in URLs and storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub frequency: Frequency,
    pub system: PeriodSystem,
    pub year: i16,
    pub index: u8,
}

fn last_iso_week(year: i16) -> u8 {
    // 28 December is always in the last ISO week of its year.
    Date::new(year, 12, 28)
        .map(|d| d.iso_week_date().week() as u8)
        .unwrap_or(52)
}

fn day(year: i16, month: i8, day: i8) -> Option<Date> {
    Date::new(year, month, day).ok()
}

fn month_end(year: i16, month: i8) -> Option<Date> {
    Some(day(year, month, 1)?.last_of_month())
}

impl Period {
    pub fn new(frequency: Frequency, system: PeriodSystem, year: i16, index: u8) -> Option<Self> {
        let valid =
            (1900..=9998).contains(&year) && index >= 1 && index <= frequency.periods_in(year);
        valid.then_some(Period {
            frequency,
            system,
            year,
            index,
        })
    }

    pub fn key(&self) -> String {
        let y = self.year;
        match self.frequency {
            Frequency::Weekly => format!("{y}-W{:02}", self.index),
            Frequency::Monthly => format!("{y}-M{:02}", self.index),
            Frequency::Quarterly => format!("{y}-Q{}", self.index),
            Frequency::SixMonth => format!("{y}-H1"),
            Frequency::NineMonth => format!("{y}-9M"),
            Frequency::Yearly => format!("{y}-Y"),
        }
    }

    /// A short, language-neutral name (`11/2026`, `Q4/2026`, `W48/2026`, `H1/2026`,
    /// `9M/2026`, `2026`); pages put the translated frequency before it.
    pub fn label(&self) -> String {
        let y = self.year;
        match self.frequency {
            Frequency::Weekly => format!("W{:02}/{y}", self.index),
            Frequency::Monthly => format!("{:02}/{y}", self.index),
            Frequency::Quarterly => format!("Q{}/{y}", self.index),
            Frequency::SixMonth => format!("H1/{y}"),
            Frequency::NineMonth => format!("9M/{y}"),
            Frequency::Yearly => format!("{y}"),
        }
    }

    /// Reads a key written by [`Period::key`] for this frequency and system.
    pub fn parse(key: &str, frequency: Frequency, system: PeriodSystem) -> Option<Period> {
        let (year, rest) = key.trim().split_once('-')?;
        if year.len() != 4 {
            return None;
        }
        let year: i16 = year.parse().ok()?;
        let index = match (frequency, rest) {
            (Frequency::Weekly, r) => r.strip_prefix('W')?.parse().ok()?,
            (Frequency::Monthly, r) => r.strip_prefix('M')?.parse().ok()?,
            (Frequency::Quarterly, r) => r.strip_prefix('Q')?.parse().ok()?,
            (Frequency::SixMonth, "H1")
            | (Frequency::NineMonth, "9M")
            | (Frequency::Yearly, "Y") => 1,
            _ => return None,
        };
        let period = Period::new(frequency, system, year, index)?;
        (period.key() == key.trim()).then_some(period)
    }

    /// First day of the period.
    pub fn start(&self) -> Option<Date> {
        let (y, i) = (self.year, self.index as i8);
        match (self.frequency, self.system) {
            (Frequency::Weekly, _) => ISOWeekDate::new(y, i, Weekday::Monday)
                .ok()
                .map(|w| w.date()),
            (Frequency::Monthly, PeriodSystem::Calendar) => day(y, i, 1),
            (Frequency::Quarterly, PeriodSystem::Calendar) => day(y, 3 * i - 2, 1),
            (_, PeriodSystem::Calendar) => day(y, 1, 1),
            (Frequency::Monthly, PeriodSystem::CutOff) => {
                day(y, i, 15)?.checked_sub(1.month()).ok()
            }
            (Frequency::Quarterly, PeriodSystem::CutOff) => {
                day(y, 3 * i - 2, 15)?.checked_sub(1.month()).ok()
            }
            (_, PeriodSystem::CutOff) => day(y - 1, 12, 15),
        }
    }

    /// Last day of the period (the cut-off day).
    pub fn end(&self) -> Option<Date> {
        let (y, i) = (self.year, self.index as i8);
        match (self.frequency, self.system) {
            (Frequency::Weekly, _) => ISOWeekDate::new(y, i, Weekday::Sunday)
                .ok()
                .map(|w| w.date()),
            (Frequency::Monthly, PeriodSystem::Calendar) => month_end(y, i),
            (Frequency::Quarterly, PeriodSystem::Calendar) => month_end(y, 3 * i),
            (Frequency::SixMonth, PeriodSystem::Calendar) => day(y, 6, 30),
            (Frequency::NineMonth, PeriodSystem::Calendar) => day(y, 9, 30),
            (Frequency::Yearly, PeriodSystem::Calendar) => day(y, 12, 31),
            (Frequency::Monthly, PeriodSystem::CutOff) => day(y, i, 14),
            (Frequency::Quarterly, PeriodSystem::CutOff) => day(y, 3 * i, 14),
            (Frequency::SixMonth, PeriodSystem::CutOff) => day(y, 6, 14),
            (Frequency::NineMonth, PeriodSystem::CutOff) => day(y, 9, 14),
            (Frequency::Yearly, PeriodSystem::CutOff) => day(y, 12, 14),
        }
    }

    pub fn contains(&self, date: Date) -> bool {
        matches!((self.start(), self.end()), (Some(s), Some(e)) if s <= date && date <= e)
    }

    /// The period of this frequency that contains `date`. The 6- and 9-month periods
    /// cover only part of a year; between them there is no such period (`None`).
    pub fn containing(frequency: Frequency, system: PeriodSystem, date: Date) -> Option<Period> {
        let year = date.year();
        let candidates: Vec<(i16, u8)> = match frequency {
            Frequency::Weekly => {
                let w = date.iso_week_date();
                vec![(w.year(), w.week() as u8)]
            }
            Frequency::Monthly => {
                let m = date.month() as u8;
                vec![(year, m), (year, m % 12 + 1), (year + 1, 1)]
            }
            Frequency::Quarterly => {
                let q = (date.month() as u8 - 1) / 3 + 1;
                vec![(year, q), (year, q % 4 + 1), (year + 1, 1)]
            }
            _ => vec![(year, 1), (year + 1, 1)],
        };
        candidates
            .into_iter()
            .filter_map(|(y, i)| Period::new(frequency, system, y, i))
            .find(|p| p.contains(date))
    }

    /// The period after this one.
    pub fn next(&self) -> Option<Period> {
        if self.index < self.frequency.periods_in(self.year) {
            Period::new(self.frequency, self.system, self.year, self.index + 1)
        } else {
            Period::new(self.frequency, self.system, self.year + 1, 1)
        }
    }

    /// The period before this one.
    pub fn previous(&self) -> Option<Period> {
        if self.index > 1 {
            Period::new(self.frequency, self.system, self.year, self.index - 1)
        } else {
            let y = self.year - 1;
            Period::new(self.frequency, self.system, y, self.frequency.periods_in(y))
        }
    }

    /// The most recent period that has ended on or before `date`.
    pub fn last_ended(frequency: Frequency, system: PeriodSystem, date: Date) -> Option<Period> {
        let mut p = match Period::containing(frequency, system, date) {
            Some(p) if p.end()? <= date => return Some(p),
            Some(p) => p.previous()?,
            None => Period::new(frequency, system, date.year(), 1)?,
        };
        while p.end()? > date {
            p = p.previous()?;
        }
        Some(p)
    }
}

/// What kind of value a field holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// A number in a unit of measure (e.g. "hồ sơ", "triệu đồng").
    Number {
        unit: String,
    },
    Text,
    /// One of the listed options.
    Choice {
        options: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSpec {
    /// Stable identifier: lowercase ASCII letters, digits and `_`.
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub kind: FieldKind,
}

/// A problem with one line of a field list being entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldLineError {
    /// 1-based line number.
    pub line: usize,
    pub problem: FieldProblem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    /// Not `key | label | type [| unit or options]`.
    Shape,
    /// The key is not lowercase ASCII letters, digits and `_`, or is too long.
    BadKey,
    DuplicateKey,
    /// Empty or over 300 characters.
    BadLabel,
    UnknownType,
    /// A number without its unit of measure.
    MissingUnit,
    /// A choice with fewer than two distinct options.
    BadOptions,
}

impl FieldProblem {
    pub fn code(self) -> &'static str {
        match self {
            FieldProblem::Shape => "shape",
            FieldProblem::BadKey => "bad_key",
            FieldProblem::DuplicateKey => "duplicate_key",
            FieldProblem::BadLabel => "bad_label",
            FieldProblem::UnknownType => "unknown_type",
            FieldProblem::MissingUnit => "missing_unit",
            FieldProblem::BadOptions => "bad_options",
        }
    }
}

/// Most fields a template may have.
pub const MAX_FIELDS: usize = 100;

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Parses a field list entered one field per line as
/// `key | label | number | unit`, `key | label | text` or
/// `key | label | choice | option; option; …` (blank lines and `#` lines skipped).
pub fn parse_fields(text: &str) -> Result<Vec<FieldSpec>, Vec<FieldLineError>> {
    let mut fields: Vec<FieldSpec> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let problem = |problem| FieldLineError {
            line: i + 1,
            problem,
        };
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        if !(3..=4).contains(&parts.len()) {
            errors.push(problem(FieldProblem::Shape));
            continue;
        }
        let (key, label, kind) = (parts[0], parts[1], parts[2]);
        let extra = parts.get(3).copied().unwrap_or("");
        if !valid_key(key) {
            errors.push(problem(FieldProblem::BadKey));
            continue;
        }
        if fields.iter().any(|f| f.key == key) {
            errors.push(problem(FieldProblem::DuplicateKey));
            continue;
        }
        if label.is_empty() || label.chars().count() > 300 {
            errors.push(problem(FieldProblem::BadLabel));
            continue;
        }
        let kind = match kind.to_lowercase().as_str() {
            "number" | "số" => {
                if extra.is_empty() || extra.chars().count() > 50 {
                    errors.push(problem(FieldProblem::MissingUnit));
                    continue;
                }
                FieldKind::Number {
                    unit: extra.to_string(),
                }
            }
            "text" | "văn bản" if extra.is_empty() => FieldKind::Text,
            "text" | "văn bản" => {
                errors.push(problem(FieldProblem::Shape));
                continue;
            }
            "choice" | "lựa chọn" => {
                let mut options: Vec<String> = Vec::new();
                for o in extra.split(';').map(str::trim).filter(|o| !o.is_empty()) {
                    if !options.iter().any(|x| x == o) && o.chars().count() <= 100 {
                        options.push(o.to_string());
                    }
                }
                if options.len() < 2 || options.len() > 50 {
                    errors.push(problem(FieldProblem::BadOptions));
                    continue;
                }
                FieldKind::Choice { options }
            }
            _ => {
                errors.push(problem(FieldProblem::UnknownType));
                continue;
            }
        };
        fields.push(FieldSpec {
            key: key.to_string(),
            label: label.to_string(),
            kind,
        });
    }
    if fields.len() > MAX_FIELDS {
        errors.push(FieldLineError {
            line: text.lines().count(),
            problem: FieldProblem::Shape,
        });
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// Checks fields given as data (e.g. JSON through the API) by the same rules as typed
/// lines; a problem's `line` is the field's 1-based position.
pub fn check_fields(fields: &[FieldSpec]) -> Result<Vec<FieldSpec>, Vec<FieldLineError>> {
    if let Some(i) = fields.iter().position(|f| {
        let text = |s: &str| s.contains(['|', '\n', '\r']);
        text(&f.key)
            || text(&f.label)
            || match &f.kind {
                FieldKind::Number { unit } => text(unit),
                FieldKind::Text => false,
                FieldKind::Choice { options } => options.iter().any(|o| text(o) || o.contains(';')),
            }
    }) {
        return Err(vec![FieldLineError {
            line: i + 1,
            problem: FieldProblem::Shape,
        }]);
    }
    parse_fields(&format_fields(fields))
}

/// Writes fields back in the form [`parse_fields`] reads.
pub fn format_fields(fields: &[FieldSpec]) -> String {
    let mut out = String::new();
    for f in fields {
        let line = match &f.kind {
            FieldKind::Number { unit } => format!("{} | {} | number | {unit}", f.key, f.label),
            FieldKind::Text => format!("{} | {} | text", f.key, f.label),
            FieldKind::Choice { options } => {
                format!("{} | {} | choice | {}", f.key, f.label, options.join("; "))
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Reads a number as Vietnamese documents write it (`1.234.567,5`: dots group
/// thousands, a comma marks decimals) or plainly (`1234567.5`). A lone dot followed by
/// exactly three digits groups thousands (`1.234` is one thousand two hundred and
/// thirty-four), as it would in a Vietnamese document.
pub fn parse_number(text: &str) -> Option<f64> {
    let t: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", t.as_str()),
    };
    let grouped = |s: &str| {
        let mut groups = s.split('.');
        let first = groups.next().unwrap_or("");
        (1..=3).contains(&first.len())
            && !first.starts_with('0')
            && first.chars().all(|c| c.is_ascii_digit())
            && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
    };
    let plain = if let Some((int, frac)) = digits.split_once(',') {
        if !(grouped(int) || int.chars().all(|c| c.is_ascii_digit())) || frac.contains([',', '.']) {
            return None;
        }
        format!("{}.{frac}", int.replace('.', ""))
    } else if digits.matches('.').count() >= 1 && grouped(digits) {
        digits.replace('.', "")
    } else {
        digits.to_string()
    };
    if !plain.chars().all(|c| c.is_ascii_digit() || c == '.')
        || plain.starts_with('.')
        || plain.ends_with('.')
    {
        return None;
    }
    let value: f64 = format!("{sign}{plain}").parse().ok()?;
    value.is_finite().then_some(value)
}

/// Writes a number for people: at most two decimals, digits grouped by three, with
/// the Vietnamese separators (`1.234.567,5`) or the English ones (`1,234,567.5`).
pub fn format_number(value: f64, vietnamese: bool) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let (group, decimal) = if vietnamese { ('.', ',') } else { (',', '.') };
    let text = format!("{:.2}", value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(decimal);
        out.push_str(frac);
    }
    out
}

/// A stored value of a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Number(f64),
    Text(String),
}

pub type Values = BTreeMap<String, FieldValue>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueProblem {
    NotANumber,
    /// Over 10 000 characters.
    TooLong,
    NotAnOption,
    /// Empty when submitting: every field must be filled.
    Missing,
}

impl ValueProblem {
    pub fn code(self) -> &'static str {
        match self {
            ValueProblem::NotANumber => "not_a_number",
            ValueProblem::TooLong => "too_long",
            ValueProblem::NotAnOption => "not_an_option",
            ValueProblem::Missing => "missing",
        }
    }
}

/// Reads entered values against the fields. Unknown keys are ignored; empty entries are
/// left out (a draft may be partial). Every problem is reported with its field key.
pub fn read_values(
    fields: &[FieldSpec],
    entered: &BTreeMap<String, String>,
) -> Result<Values, Vec<(String, ValueProblem)>> {
    let mut values = Values::new();
    let mut errors = Vec::new();
    for f in fields {
        let Some(raw) = entered
            .get(&f.key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        match &f.kind {
            FieldKind::Number { .. } => match parse_number(raw) {
                Some(n) => {
                    values.insert(f.key.clone(), FieldValue::Number(n));
                }
                None => errors.push((f.key.clone(), ValueProblem::NotANumber)),
            },
            FieldKind::Text if raw.chars().count() > 10_000 => {
                errors.push((f.key.clone(), ValueProblem::TooLong))
            }
            FieldKind::Text => {
                values.insert(f.key.clone(), FieldValue::Text(raw.to_string()));
            }
            FieldKind::Choice { options } if options.iter().any(|o| o == raw) => {
                values.insert(f.key.clone(), FieldValue::Text(raw.to_string()));
            }
            FieldKind::Choice { .. } => errors.push((f.key.clone(), ValueProblem::NotAnOption)),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// The fields a submission still lacks.
pub fn missing(fields: &[FieldSpec], values: &Values) -> Vec<String> {
    fields
        .iter()
        .filter(|f| match values.get(&f.key) {
            None => true,
            Some(FieldValue::Number(_)) => !matches!(f.kind, FieldKind::Number { .. }),
            Some(FieldValue::Text(t)) => t.trim().is_empty(),
        })
        .map(|f| f.key.clone())
        .collect()
}

/// A number field across the units that reported it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct NumberSummary {
    pub count: usize,
    pub sum: f64,
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

pub fn summarise_numbers(values: impl IntoIterator<Item = f64>) -> NumberSummary {
    let mut s = NumberSummary::default();
    for v in values {
        s.count += 1;
        s.sum += v;
        s.min = Some(s.min.map_or(v, |m| m.min(v)));
        s.max = Some(s.max.map_or(v, |m| m.max(v)));
    }
    if s.count > 0 {
        s.mean = Some(s.sum / s.count as f64);
    }
    s
}

/// How many units chose each option, in the field's order.
pub fn count_choices<'a>(
    options: &[String],
    chosen: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = options.iter().map(|o| (o.clone(), 0)).collect();
    for c in chosen {
        if let Some(slot) = counts.iter_mut().find(|(o, _)| o == c) {
            slot.1 += 1;
        }
    }
    counts
}

/// Actual as a percentage of target; `None` when there is no positive target.
pub fn attainment(actual: f64, target: f64) -> Option<f64> {
    (target > 0.0 && actual.is_finite()).then(|| actual / target * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn span(f: Frequency, s: PeriodSystem, key: &str) -> (String, String) {
        let p = Period::parse(key, f, s).unwrap();
        (p.start().unwrap().to_string(), p.end().unwrap().to_string())
    }

    #[test]
    fn cut_off_periods_follow_the_spec_examples() {
        use Frequency::*;
        let c = PeriodSystem::CutOff;
        // Spec §5 table, column "Example (2026)".
        assert_eq!(
            span(Monthly, c, "2026-M11"),
            ("2026-10-15".into(), "2026-11-14".into())
        );
        assert_eq!(
            span(Quarterly, c, "2026-Q4"),
            ("2026-09-15".into(), "2026-12-14".into())
        );
        assert_eq!(
            span(Quarterly, c, "2026-Q1"),
            ("2025-12-15".into(), "2026-03-14".into())
        );
        assert_eq!(
            span(SixMonth, c, "2026-H1"),
            ("2025-12-15".into(), "2026-06-14".into())
        );
        assert_eq!(
            span(NineMonth, c, "2026-9M"),
            ("2025-12-15".into(), "2026-09-14".into())
        );
        assert_eq!(
            span(Yearly, c, "2026-Y"),
            ("2025-12-15".into(), "2026-12-14".into())
        );
        assert_eq!(
            span(Monthly, c, "2026-M01"),
            ("2025-12-15".into(), "2026-01-14".into())
        );
    }

    #[test]
    fn calendar_periods_follow_the_spec_example() {
        use Frequency::*;
        let c = PeriodSystem::Calendar;
        // Spec §4.5: Q3/2026 = 2026-07-01 … 2026-09-30.
        assert_eq!(
            span(Quarterly, c, "2026-Q3"),
            ("2026-07-01".into(), "2026-09-30".into())
        );
        assert_eq!(
            span(Monthly, c, "2024-M02"),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(
            span(Yearly, c, "2026-Y"),
            ("2026-01-01".into(), "2026-12-31".into())
        );
        assert_eq!(
            span(Weekly, c, "2026-W01"),
            ("2025-12-29".into(), "2026-01-04".into())
        );
        assert_eq!(
            span(Weekly, c, "2026-W53"),
            ("2026-12-28".into(), "2027-01-03".into())
        );
    }

    #[test]
    fn the_period_of_a_day_depends_on_the_cut_off() {
        use Frequency::*;
        let key = |f, s, date| Period::containing(f, s, d(date)).map(|p| p.key());
        let (c, k) = (PeriodSystem::CutOff, PeriodSystem::Calendar);
        assert_eq!(key(Monthly, c, "2026-11-14").as_deref(), Some("2026-M11"));
        assert_eq!(key(Monthly, c, "2026-11-15").as_deref(), Some("2026-M12"));
        assert_eq!(key(Monthly, c, "2026-12-20").as_deref(), Some("2027-M01"));
        assert_eq!(key(Monthly, k, "2026-12-20").as_deref(), Some("2026-M12"));
        assert_eq!(key(Quarterly, c, "2026-03-15").as_deref(), Some("2026-Q2"));
        assert_eq!(key(Yearly, c, "2026-12-15").as_deref(), Some("2027-Y"));
        assert_eq!(key(SixMonth, c, "2026-07-01"), None);
        assert_eq!(key(Weekly, k, "2027-01-01").as_deref(), Some("2026-W53"));
        let last = Period::last_ended(Monthly, c, d("2026-11-27")).unwrap();
        assert_eq!(last.key(), "2026-M11");
        let last = Period::last_ended(SixMonth, c, d("2026-11-27")).unwrap();
        assert_eq!(last.key(), "2026-H1");
    }

    #[test]
    fn keys_are_checked_strictly() {
        let (m, c) = (Frequency::Monthly, PeriodSystem::CutOff);
        for bad in [
            "2026-M13", "2026-M00", "2026-M1", "2026-Q1", "26-M01", "2026M01", "",
        ] {
            assert_eq!(Period::parse(bad, m, c), None, "{bad}");
        }
        assert_eq!(
            Period::parse("2026-W53", Frequency::Weekly, c).map(|p| p.index),
            Some(53)
        );
        assert_eq!(Period::parse("2025-W53", Frequency::Weekly, c), None);
    }

    #[test]
    fn fields_are_read_line_by_line() {
        let fields = parse_fields(
            "# Tình hình\nho_so | Hồ sơ tiếp nhận | number | hồ sơ\nnhan_xet | Nhận xét | text\n\
             danh_gia | Tự đánh giá | choice | Tốt; Khá; Trung bình; Tốt\n",
        )
        .unwrap();
        assert_eq!(fields.len(), 3);
        assert_eq!(
            fields[2].kind,
            FieldKind::Choice {
                options: vec!["Tốt".into(), "Khá".into(), "Trung bình".into()]
            }
        );
        assert_eq!(parse_fields(&format_fields(&fields)).unwrap(), fields);
        let errors = parse_fields(
            "Hồ Sơ | x | number | hồ sơ\na | | text\na | A | number\nb | B | date\nc | C | choice | Có\nd | D\na | A2 | text\n",
        )
        .unwrap_err();
        let problems: Vec<_> = errors.iter().map(|e| (e.line, e.problem)).collect();
        assert_eq!(
            problems,
            vec![
                (1, FieldProblem::BadKey),
                (2, FieldProblem::BadLabel),
                (3, FieldProblem::MissingUnit),
                (4, FieldProblem::UnknownType),
                (5, FieldProblem::BadOptions),
                (6, FieldProblem::Shape),
            ]
        );
    }

    #[test]
    fn numbers_are_read_as_vietnamese_documents_write_them() {
        assert_eq!(parse_number("1.234.567,5"), Some(1_234_567.5));
        assert_eq!(parse_number("1.234"), Some(1234.0));
        assert_eq!(parse_number("12,5"), Some(12.5));
        assert_eq!(parse_number("12.5"), Some(12.5));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(parse_number(" 1 200 "), Some(1200.0));
        for bad in [
            "", "abc", "1,2,3", "1.2.3", ".5", "5.", "1e5", "NaN", "inf", "--1",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_are_written_for_each_language() {
        assert_eq!(format_number(1_234_567.5, true), "1.234.567,5");
        assert_eq!(format_number(1_234_567.5, false), "1,234,567.5");
        assert_eq!(format_number(-1234.0, true), "-1.234");
        assert_eq!(format_number(0.004, true), "0");
        assert_eq!(format_number(-0.001, true), "0");
        assert_eq!(format_number(2.0 / 3.0, false), "0.67");
        assert_eq!(
            parse_number(&format_number(98_765.43, true)),
            Some(98_765.43)
        );
    }

    #[test]
    fn values_are_checked_against_their_fields() {
        let fields =
            parse_fields("n | N | number | hồ sơ\nt | T | text\nc | C | choice | Có; Không")
                .unwrap();
        let entered = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        let values = read_values(
            &fields,
            &entered(&[("n", "1.200"), ("c", "Có"), ("x", "?")]),
        )
        .unwrap();
        assert_eq!(values.get("n"), Some(&FieldValue::Number(1200.0)));
        assert_eq!(missing(&fields, &values), vec!["t".to_string()]);
        let errors = read_values(&fields, &entered(&[("n", "nhiều"), ("c", "Có lẽ")])).unwrap_err();
        assert_eq!(
            errors,
            vec![
                ("n".into(), ValueProblem::NotANumber),
                ("c".into(), ValueProblem::NotAnOption)
            ]
        );
    }

    #[test]
    fn numbers_and_choices_are_summarised() {
        let s = summarise_numbers([4.0, 1.0, 7.0]);
        assert_eq!(
            (s.count, s.sum, s.mean, s.min, s.max),
            (3, 12.0, Some(4.0), Some(1.0), Some(7.0))
        );
        assert_eq!(summarise_numbers([]).mean, None);
        let options = vec!["Tốt".to_string(), "Khá".to_string()];
        assert_eq!(
            count_choices(&options, ["Khá", "Tốt", "Khá", "?"]),
            vec![("Tốt".to_string(), 1), ("Khá".to_string(), 2)]
        );
        assert_eq!(attainment(45.0, 60.0), Some(75.0));
        assert_eq!(attainment(45.0, 0.0), None);
    }

    fn any_frequency() -> impl Strategy<Value = Frequency> {
        prop::sample::select(Frequency::ALL.to_vec())
    }

    fn any_system() -> impl Strategy<Value = PeriodSystem> {
        prop::sample::select(PeriodSystem::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn consecutive_periods_never_overlap_and_periodic_ones_tile_time(
            f in any_frequency(), s in any_system(), offset in 0i64..20_000,
        ) {
            let date = d("1990-01-01").checked_add(offset.days()).unwrap();
            match Period::containing(f, s, date) {
                Some(p) => {
                    prop_assert!(p.contains(date));
                    prop_assert_eq!(Period::parse(&p.key(), f, s), Some(p));
                    let next = p.next().unwrap();
                    prop_assert!(next.start().unwrap() > p.end().unwrap());
                    prop_assert_eq!(next.previous(), Some(p));
                    if matches!(f, Frequency::Weekly | Frequency::Monthly | Frequency::Quarterly | Frequency::Yearly) {
                        prop_assert_eq!(next.start().unwrap(), p.end().unwrap().tomorrow().unwrap());
                    }
                }
                None => prop_assert!(matches!(f, Frequency::SixMonth | Frequency::NineMonth)),
            }
            let last = Period::last_ended(f, s, date).unwrap();
            prop_assert!(last.end().unwrap() <= date);
            prop_assert!(last.next().unwrap().end().unwrap() > date);
        }

        #[test]
        fn grouped_numbers_read_back(n in 0u64..10_000_000_000) {
            let plain = n.to_string();
            let mut grouped = String::new();
            for (i, c) in plain.chars().enumerate() {
                if i > 0 && (plain.len() - i) % 3 == 0 {
                    grouped.push('.');
                }
                grouped.push(c);
            }
            prop_assert_eq!(parse_number(&grouped), Some(n as f64));
            prop_assert_eq!(parse_number(&format!("{grouped},25")), Some(n as f64 + 0.25));
        }
    }
}

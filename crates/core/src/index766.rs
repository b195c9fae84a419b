//! The Decision 766/QĐ-TTg service-quality index (Bộ chỉ số chỉ đạo, điều hành và đánh
//! giá chất lượng phục vụ người dân, doanh nghiệp): its indicators, how one unit's figures
//! for one period become points out of 100, and the ranking of units (spec
//! `vn-admin-rules.md` §4). No I/O.
//!
//! - Each scored indicator is described once in [`INDICATORS`], with its points, its
//!   default full-score threshold and whether the platform computes it from its own
//!   records or an administrator enters it from outside systems ([`Source`]).
//! - A figure that was not given is "no data": it earns nothing and its points are left
//!   out of what was attainable, so a missing figure never reads as a 0 %. A ratio whose
//!   denominator is 0 is "N/A" (§4.2), which is neither 0 nor full points.
//! - Points are kept unrounded; [`round2`] rounds for display (§4.2).
//! - Not scored here (§4.1): 2.2 average processing time (no points, and a mean of
//!   durations in each procedure's own unit, not a ratio) and group 5's two PAKN
//!   classification metrics (0 points, monitoring only). Pages show them beside the score.
//! - The figures handed in are for one unit and one calendar month, quarter or year
//!   (§4.5): [`crate::reporting::Period`] with
//!   [`PeriodSystem::Calendar`](crate::reporting::PeriodSystem::Calendar).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The six groups of §4.1 (3a and 3b together are the 2022 text's "Cung cấp dịch vụ
/// trực tuyến", 22 points). Their maxima add up to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Transparency,
    Progress,
    OnlineService,
    OnlinePayment,
    Digitisation,
    Satisfaction,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Transparency,
        Group::Progress,
        Group::OnlineService,
        Group::OnlinePayment,
        Group::Digitisation,
        Group::Satisfaction,
    ];

    /// The group's number in §4.1: `1`, `2`, `3a`, `3b`, `4`, `5`.
    pub fn code(self) -> &'static str {
        match self {
            Group::Transparency => "1",
            Group::Progress => "2",
            Group::OnlineService => "3a",
            Group::OnlinePayment => "3b",
            Group::Digitisation => "4",
            Group::Satisfaction => "5",
        }
    }

    pub fn parse(code: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Group::Transparency => "Công khai, minh bạch",
            Group::Progress => "Tiến độ, kết quả giải quyết",
            Group::OnlineService => "Dịch vụ công trực tuyến",
            Group::OnlinePayment => "Thanh toán trực tuyến",
            Group::Digitisation => "Số hóa hồ sơ",
            Group::Satisfaction => "Mức độ hài lòng",
        }
    }

    /// The DVCQG portal endpoint that publishes the group (§4.1).
    pub fn endpoint(self) -> &'static str {
        match self {
            Group::Transparency => "transparency",
            Group::Progress => "dvc-progress-tree",
            Group::OnlineService => "provide-online-tree",
            Group::OnlinePayment => "formality-online-payment-tree",
            Group::Digitisation => "dossier-digitized",
            Group::Satisfaction => "handling-satisfaction",
        }
    }

    pub fn max_points(self) -> f64 {
        match self {
            Group::Transparency => 18.0,
            Group::Progress => 20.0,
            Group::OnlineService => 12.0,
            Group::OnlinePayment => 10.0,
            Group::Digitisation => 22.0,
            Group::Satisfaction => 18.0,
        }
    }

    /// Its indicators, in table order.
    pub fn indicators(self) -> impl Iterator<Item = &'static Indicator> {
        INDICATORS.iter().filter(move |i| i.group == self)
    }
}

/// Where an indicator's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Counted from the platform's own dossiers, catalogue and PAKN records.
    Platform,
    /// Needs outside systems (national TTHC database, DVCQG, national reporting system,
    /// population database / VNeID, the certification system): entered by an
    /// administrator, with where the figure came from.
    External,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Platform => "platform",
            Source::External => "external",
        }
    }
}

/// What figures an indicator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// One numerator over one denominator, scored by [`score`] (§4.2).
    Ratio,
    /// 3b's three ratios A, B, C ([`PaymentCounts`], §4.3).
    Payment,
}

/// One scored indicator of §4.1 / §4.3.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Indicator {
    /// Stable code: `1.1` … `1.4`, `2.1`, `3a`, `3b`, `4.1` … `4.6` (4.5 split into `4.5a`
    /// dossiers and `4.5b` TTHC, as §4.2 names them), `5.1` … `5.3`.
    pub code: &'static str,
    pub group: Group,
    /// Name as §4.1 gives it.
    pub name_vi: &'static str,
    pub max_points: f64,
    /// The ratio that earns full points by default (§4.2 table); configurable in
    /// [`Thresholds`]. For 3b it applies to A, the dossier ratio.
    pub default_threshold: f64,
    pub source: Source,
    pub measure: Measure,
}

const fn ratio(
    code: &'static str,
    group: Group,
    max_points: f64,
    default_threshold: f64,
    source: Source,
    name_vi: &'static str,
) -> Indicator {
    Indicator {
        code,
        group,
        name_vi,
        max_points,
        default_threshold,
        source,
        measure: Measure::Ratio,
    }
}

const fn payment(
    code: &'static str,
    group: Group,
    max_points: f64,
    default_threshold: f64,
    source: Source,
    name_vi: &'static str,
) -> Indicator {
    Indicator {
        measure: Measure::Payment,
        ..ratio(code, group, max_points, default_threshold, source, name_vi)
    }
}

/// Every scored indicator (spec §4.1 points, §4.2 default thresholds, §4.3 definitions).
/// The points of each group add up to the group's maximum; all together to 100.
///
/// Sources: group 1 reads the national TTHC database, DVCQG and the national reporting
/// system; 4.4, 4.5a/b and 4.6 need DVCQG's personal data store, the population
/// database / VNeID and the electronic certification system. The rest are counted from
/// the platform's own records, provided it records what they count: the §2.6 class of
/// each dossier (2.1), the channel and the procedure's full-online eligibility (3a),
/// online-payment confirmations and fee-bearing procedures (3b), the electronic result
/// file (4.1), digitised and reused-from-data components (4.2, 4.3), PAKN with their
/// deadlines and feedback (5.1, 5.2), ratings of dossiers (5.3).
///
/// 1.4's denominator is the larger of the national reporting system's and DVCQG's dossier
/// counts; when both are 0 it is last year's total ÷ 12 (month), ÷ 4 (quarter) or × 1
/// (year), which [`Counts`] accepts as a fraction; with no previous data §4.3 sets the
/// ratio to 0 (enter 0 of 1).
///
/// 3a's threshold (1.00) is an assumption: the portal does not publish 3a's internal
/// split (§4.1, §7 open item 2), so it is scored linearly like every observed indicator.
#[rustfmt::skip]
pub static INDICATORS: [Indicator; 17] = {
    use Group::*;
    use Source::*;
    [
        //    code    group          max  threshold source  name (§4.1)
        ratio("1.1",  Transparency,   6.0, 1.00, External, "TTHC công bố đúng hạn"),
        ratio("1.2",  Transparency,   4.0, 1.00, External, "TTHC cập nhật, công khai đúng hạn trên CSDL quốc gia"),
        ratio("1.3",  Transparency,   2.0, 1.00, External, "TTHC công khai đầy đủ bộ phận tạo thành"),
        ratio("1.4",  Transparency,   6.0, 1.00, External, "Hồ sơ đồng bộ trạng thái lên DVCQG"),
        ratio("2.1",  Progress,      20.0, 1.00, Platform, "Hồ sơ xử lý trước hạn, đúng hạn, trong hạn"),
        ratio("3a",   OnlineService, 12.0, 1.00, Platform, "Hồ sơ DVCTT toàn trình"),
        payment("3b", OnlinePayment, 10.0, 1.00, Platform, "Thanh toán trực tuyến"),
        ratio("4.1",  Digitisation,   6.0, 1.00, Platform, "Kết quả giải quyết điện tử"),
        ratio("4.2",  Digitisation,   4.0, 1.00, Platform, "Số hóa thành phần hồ sơ"),
        ratio("4.3",  Digitisation,   2.0, 0.80, Platform, "Tái sử dụng dữ liệu số hóa"),
        ratio("4.4",  Digitisation,   4.0, 1.00, External, "Kết nối kho dữ liệu cá nhân DVCQG"),
        ratio("4.5a", Digitisation,   2.0, 1.00, External, "Hồ sơ dùng dữ liệu dân cư"),
        ratio("4.5b", Digitisation,   2.0, 1.00, External, "TTHC kết nối dữ liệu dân cư"),
        ratio("4.6",  Digitisation,   2.0, 1.00, External, "Chứng thực bản sao điện tử từ bản chính"),
        ratio("5.1",  Satisfaction,   6.0, 1.00, Platform, "PAKN xử lý đúng hạn"),
        ratio("5.2",  Satisfaction,   6.0, 1.00, Platform, "Hài lòng trong xử lý PAKN"),
        ratio("5.3",  Satisfaction,   6.0, 0.90, Platform, "Hài lòng trong tiếp nhận, giải quyết TTHC"),
    ]
};

/// The PAKN items that the "no PAKN in the period" rule covers (§4.3).
const FEEDBACK_ITEMS: [&str; 2] = ["5.1", "5.2"];
/// The item that takes their points when they are moved (§4.3).
const DOSSIER_SATISFACTION: &str = "5.3";

/// The indicator with this code.
pub fn indicator(code: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.code == code)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoringError {
    #[error("no Decision 766 indicator has the code {0:?}")]
    UnknownCode(String),
    #[error("indicator {0} takes other figures (3b takes payment counts, the others a ratio)")]
    WrongFigures(&'static str),
    #[error("counts must be finite and not negative, with the numerator not above the denominator")]
    BadCounts,
    #[error("a full-score threshold must be above 0 and at most 1")]
    BadThreshold,
}

/// The share of the points a ratio earns: `min(1, ratio / threshold)`, never below 0
/// (a NaN share, from a degenerate threshold, earns nothing).
fn share(ratio: f64, threshold: f64) -> f64 {
    let s = ratio / threshold;
    if s.is_nan() { 0.0 } else { s.clamp(0.0, 1.0) }
}

/// The generic scoring function of §4.2: `max_points × min(1, ratio / threshold)` with
/// `ratio = numerator / denominator`; `None` ("N/A") when the denominator is 0.
///
/// Total: a ratio above 1 earns the full points, a negative one or a NaN nothing, so the
/// result always lies in `[0, max_points]` for `max_points ≥ 0`.
pub fn score(max_points: f64, numerator: f64, denominator: f64, threshold: f64) -> Option<f64> {
    if denominator == 0.0 {
        return None;
    }
    Some(max_points * share(numerator / denominator, threshold))
}

/// Rounds to 2 decimals, half away from zero, for display (§4.2). Binary representation
/// error is removed first, so 1.005 gives 1.01 and 16.129999… gives 16.13.
pub fn round2(x: f64) -> f64 {
    let cents = x * 100.0;
    if !cents.is_finite() || cents.abs() > 1e12 {
        return x;
    }
    ((cents * 1e6).round() / 1e6).round() / 100.0
}

/// A numerator and a denominator as §4.3 defines them for one indicator: finite, not
/// negative, the numerator not above the denominator (every §4.3 numerator counts a part
/// of its denominator). Fractions are allowed: 1.4's fallback denominator is last year's
/// total ÷ 12 or ÷ 4, and an administrator may enter a published percentage as 95.5 of 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCounts")]
pub struct Counts {
    numerator: f64,
    denominator: f64,
}

#[derive(Deserialize)]
struct RawCounts {
    numerator: f64,
    denominator: f64,
}

impl TryFrom<RawCounts> for Counts {
    type Error = ScoringError;

    fn try_from(raw: RawCounts) -> Result<Counts, ScoringError> {
        Counts::new(raw.numerator, raw.denominator)
    }
}

impl Counts {
    pub fn new(numerator: f64, denominator: f64) -> Result<Counts, ScoringError> {
        let valid = numerator.is_finite()
            && denominator.is_finite()
            && numerator >= 0.0
            && numerator <= denominator;
        if valid {
            // `+ 0.0` turns a -0.0 into 0.0.
            Ok(Counts {
                numerator: numerator + 0.0,
                denominator: denominator + 0.0,
            })
        } else {
            Err(ScoringError::BadCounts)
        }
    }

    /// Whole counts, as the platform's records give them.
    pub fn of(numerator: u64, denominator: u64) -> Result<Counts, ScoringError> {
        Counts::new(numerator as f64, denominator as f64)
    }

    pub fn numerator(self) -> f64 {
        self.numerator
    }

    pub fn denominator(self) -> f64 {
        self.denominator
    }

    /// `numerator / denominator`, or `None` when the denominator is 0.
    pub fn ratio(self) -> Option<f64> {
        (self.denominator != 0.0).then(|| self.numerator / self.denominator)
    }
}

/// 3b's three ratios (§4.3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PaymentCounts {
    /// A: dossiers paid online (on DVCQG or the provincial payment gateway) / dossiers
    /// with a financial obligation.
    pub dossiers_paid_online: Counts,
    /// B: fee-bearing TTHC with at least one online payment / fee-bearing TTHC.
    pub procedures_paid_online: Counts,
    /// C: fee-bearing TTHC having dossiers / fee-bearing TTHC.
    pub procedures_with_dossiers: Counts,
}

/// Weights of 3b's observed formula `6·A + min(2, 2.5·B) + 2.5·C` (§4.3,
/// reverse-engineered from the portal, not published).
const PAYMENT_A: f64 = 6.0;
const PAYMENT_B: f64 = 2.5;
const PAYMENT_B_CAP: f64 = 2.0;
const PAYMENT_C: f64 = 2.5;

impl PaymentCounts {
    /// Points by the observed formula, uncapped (at most 10.5). `None` (N/A) when all
    /// three denominators are 0; a single ratio with denominator 0 counts as 0, as the
    /// portal was observed to do. A is scored against `threshold` (default 1.00, §4.2
    /// "3b hồ sơ").
    pub fn points(&self, threshold: f64) -> Option<f64> {
        let parts = [
            self.dossiers_paid_online,
            self.procedures_paid_online,
            self.procedures_with_dossiers,
        ];
        if parts.iter().all(|c| c.denominator == 0.0) {
            return None;
        }
        let [a, b, c] = parts.map(|c| c.ratio().unwrap_or(0.0));
        Some(
            PAYMENT_A * share(a, threshold)
                + (PAYMENT_B * b).min(PAYMENT_B_CAP)
                + PAYMENT_C * c.clamp(0.0, 1.0),
        )
    }
}

/// The figures of one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figures {
    Ratio(Counts),
    Payment(PaymentCounts),
}

impl Figures {
    fn measure(&self) -> Measure {
        match self {
            Figures::Ratio(_) => Measure::Ratio,
            Figures::Payment(_) => Measure::Payment,
        }
    }
}

/// One indicator's figures and, for an entered figure, who entered it and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub figures: Figures,
    /// Free text the caller fills (e.g. "DVCQG, 2026-10-03, nguyenvana").
    pub source: Option<String>,
}

/// One unit's figures for one period, by indicator code. An indicator without figures
/// is "no data".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, Entry>", into = "BTreeMap<String, Entry>")]
pub struct Inputs {
    entries: BTreeMap<&'static str, Entry>,
}

impl Inputs {
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Sets an indicator's figures, replacing any earlier ones.
    pub fn set(
        &mut self,
        code: &str,
        figures: Figures,
        source: Option<String>,
    ) -> Result<(), ScoringError> {
        let ind = indicator(code).ok_or_else(|| ScoringError::UnknownCode(code.to_string()))?;
        if ind.measure != figures.measure() {
            return Err(ScoringError::WrongFigures(ind.code));
        }
        self.entries.insert(ind.code, Entry { figures, source });
        Ok(())
    }

    pub fn set_ratio(
        &mut self,
        code: &str,
        counts: Counts,
        source: Option<String>,
    ) -> Result<(), ScoringError> {
        self.set(code, Figures::Ratio(counts), source)
    }

    /// Sets 3b's figures.
    pub fn set_payment(&mut self, counts: PaymentCounts, source: Option<String>) {
        let figures = Figures::Payment(counts);
        self.entries.insert("3b", Entry { figures, source });
    }

    pub fn get(&self, code: &str) -> Option<&Entry> {
        self.entries.get(code)
    }

    pub fn remove(&mut self, code: &str) -> Option<Entry> {
        self.entries.remove(code)
    }
}

impl TryFrom<BTreeMap<String, Entry>> for Inputs {
    type Error = ScoringError;

    fn try_from(map: BTreeMap<String, Entry>) -> Result<Inputs, ScoringError> {
        let mut inputs = Inputs::new();
        for (code, entry) in map {
            inputs.set(&code, entry.figures, entry.source)?;
        }
        Ok(inputs)
    }
}

impl From<Inputs> for BTreeMap<String, Entry> {
    fn from(inputs: Inputs) -> Self {
        inputs
            .entries
            .into_iter()
            .map(|(code, entry)| (code.to_string(), entry))
            .collect()
    }
}

/// Full-score thresholds by indicator code, each in `(0, 1]` ([CONFIG], §4.2). Starts
/// from the §4.2 defaults; a stored map need only name the thresholds it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, f64>", into = "BTreeMap<String, f64>")]
pub struct Thresholds {
    values: BTreeMap<&'static str, f64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            values: INDICATORS
                .iter()
                .map(|i| (i.code, i.default_threshold))
                .collect(),
        }
    }
}

impl Thresholds {
    pub fn get(&self, code: &str) -> Option<f64> {
        self.values.get(code).copied()
    }

    pub fn set(&mut self, code: &str, threshold: f64) -> Result<(), ScoringError> {
        let ind = indicator(code).ok_or_else(|| ScoringError::UnknownCode(code.to_string()))?;
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(ScoringError::BadThreshold);
        }
        self.values.insert(ind.code, threshold);
        Ok(())
    }
}

impl TryFrom<BTreeMap<String, f64>> for Thresholds {
    type Error = ScoringError;

    fn try_from(map: BTreeMap<String, f64>) -> Result<Thresholds, ScoringError> {
        let mut thresholds = Thresholds::default();
        for (code, threshold) in map {
            thresholds.set(&code, threshold)?;
        }
        Ok(thresholds)
    }
}

impl From<Thresholds> for BTreeMap<String, f64> {
    fn from(thresholds: Thresholds) -> Self {
        thresholds
            .values
            .into_iter()
            .map(|(code, t)| (code.to_string(), t))
            .collect()
    }
}

/// What a PAKN item earns when the period had no PAKN (§4.3 "No PAKN in the period").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoFeedback {
    /// Its full points, as the DVCQG API was observed to award (default).
    #[default]
    FullPoints,
    /// Its points move to 5.3, as the portal's sheet says.
    MoveToDossierSatisfaction,
}

/// The [CONFIG] choices of §4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub thresholds: Thresholds,
    /// Caps 3b's observed formula (up to 10.5) and every group subtotal at the group's
    /// maximum (§4.4; default on). Only 3b can exceed its maximum.
    pub cap_at_group_max: bool,
    pub no_feedback: NoFeedback,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            thresholds: Thresholds::default(),
            cap_at_group_max: true,
            no_feedback: NoFeedback::default(),
        }
    }
}

/// How an indicator came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Scored from its figures.
    Scored,
    /// A PAKN item in a period without PAKN, given full points ([`NoFeedback::FullPoints`]).
    NoFeedbackFull,
    /// A PAKN item in a period without PAKN whose points moved to 5.3
    /// ([`NoFeedback::MoveToDossierSatisfaction`]).
    NoFeedbackMoved,
    /// Denominator 0 (§4.2 "N/A"): neither 0 nor full points; left out of the total and of
    /// the points attainable.
    NotApplicable,
    /// No figures were given: left out of the total and of the points attainable.
    NoData,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scored => "scored",
            Status::NoFeedbackFull => "no_feedback_full",
            Status::NoFeedbackMoved => "no_feedback_moved",
            Status::NotApplicable => "not_applicable",
            Status::NoData => "no_data",
        }
    }

    /// Whether its points count towards the total.
    pub fn counts(self) -> bool {
        matches!(self, Status::Scored | Status::NoFeedbackFull)
    }
}

/// One indicator's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    pub indicator: &'static Indicator,
    /// The points it could earn: its own, 0 when moved away, or 5.3's own plus those
    /// moved to it.
    pub max_points: f64,
    /// The full-score threshold applied.
    pub threshold: f64,
    pub status: Status,
    /// `numerator / denominator`; `None` for 3b (three ratios: see `figures`) and when
    /// there is no denominator.
    pub ratio: Option<f64>,
    /// Unrounded; `Some` exactly when the status counts.
    pub points: Option<f64>,
    pub figures: Option<Figures>,
    pub source: Option<String>,
}

/// One group's subtotal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    pub group: Group,
    /// Sum of its counted indicators' points (capped at the group's maximum when
    /// [`Config::cap_at_group_max`]); `None` when none counted.
    pub points: Option<f64>,
    pub max_points: f64,
    /// Sum of the maximum points of its counted indicators.
    pub attainable: f64,
}

/// A unit's result for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// In [`INDICATORS`] order.
    pub indicators: Vec<IndicatorScore>,
    /// In [`Group::ALL`] order.
    pub groups: Vec<GroupScore>,
    /// Sum of the group subtotals, out of 100 (unrounded).
    pub total: f64,
    /// Sum of the maximum points of the indicators that counted: "total of attainable
    /// points".
    pub attainable: f64,
}

impl Score {
    pub fn indicator(&self, code: &str) -> Option<&IndicatorScore> {
        self.indicators.iter().find(|s| s.indicator.code == code)
    }

    pub fn group(&self, group: Group) -> Option<&GroupScore> {
        self.groups.iter().find(|g| g.group == group)
    }
}

/// Whether an entry is a PAKN item without any PAKN in the period.
fn without_feedback(ind: &Indicator, entry: Option<&Entry>) -> bool {
    FEEDBACK_ITEMS.contains(&ind.code)
        && matches!(entry, Some(Entry { figures: Figures::Ratio(c), .. }) if c.denominator == 0.0)
}

/// Scores one unit's figures for one period (§4.2, §4.3).
pub fn evaluate(inputs: &Inputs, config: &Config) -> Score {
    let moving = config.no_feedback == NoFeedback::MoveToDossierSatisfaction;
    let moved: f64 = INDICATORS
        .iter()
        .filter(|i| moving && without_feedback(i, inputs.get(i.code)))
        .map(|i| i.max_points)
        .sum();
    let indicators: Vec<IndicatorScore> = INDICATORS
        .iter()
        .map(|ind| {
            let entry = inputs.get(ind.code);
            let threshold = config
                .thresholds
                .get(ind.code)
                .unwrap_or(ind.default_threshold);
            let mut max = ind.max_points;
            if ind.code == DOSSIER_SATISFACTION {
                max += moved;
            }
            let (status, ratio, points) = match entry.map(|e| e.figures) {
                None => (Status::NoData, None, None),
                Some(Figures::Ratio(_)) if without_feedback(ind, entry) => {
                    if moving {
                        max = 0.0;
                        (Status::NoFeedbackMoved, None, None)
                    } else {
                        (Status::NoFeedbackFull, None, Some(max))
                    }
                }
                Some(Figures::Ratio(c)) => {
                    match score(max, c.numerator, c.denominator, threshold) {
                        Some(p) => (Status::Scored, c.ratio(), Some(p)),
                        None => (Status::NotApplicable, None, None),
                    }
                }
                Some(Figures::Payment(p)) => match p.points(threshold) {
                    Some(raw) if config.cap_at_group_max => {
                        (Status::Scored, None, Some(raw.min(max)))
                    }
                    Some(raw) => (Status::Scored, None, Some(raw)),
                    None => (Status::NotApplicable, None, None),
                },
            };
            IndicatorScore {
                indicator: ind,
                max_points: max,
                threshold,
                status,
                ratio,
                points,
                figures: entry.map(|e| e.figures),
                source: entry.and_then(|e| e.source.clone()),
            }
        })
        .collect();
    let groups: Vec<GroupScore> = Group::ALL
        .into_iter()
        .map(|group| {
            let counted: Vec<&IndicatorScore> = indicators
                .iter()
                .filter(|s| s.indicator.group == group && s.status.counts())
                .collect();
            let sum: f64 = counted.iter().filter_map(|s| s.points).sum();
            let points = (!counted.is_empty()).then(|| {
                if config.cap_at_group_max {
                    sum.min(group.max_points())
                } else {
                    sum
                }
            });
            GroupScore {
                group,
                points,
                max_points: group.max_points(),
                attainable: counted.iter().map(|s| s.max_points).sum(),
            }
        })
        .collect();
    Score {
        total: groups.iter().filter_map(|g| g.points).sum(),
        attainable: groups.iter().map(|g| g.attainable).sum(),
        indicators,
        groups,
    }
}

/// Standard competition ranking ("1, 1, 3") of `(unit id, total)`, best first, ties in
/// unit-id order. Totals are compared as displayed, at 2 decimals, so units showing the
/// same score share a rank; a NaN total ranks last.
pub fn rank(units: &[(i64, f64)]) -> Vec<(i64, u32)> {
    let shown = |t: f64| {
        if t.is_nan() {
            f64::NEG_INFINITY
        } else {
            round2(t) + 0.0
        }
    };
    let mut sorted: Vec<(i64, f64)> = units.iter().map(|&(id, t)| (id, shown(t))).collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut ranked = Vec::with_capacity(sorted.len());
    let mut previous: Option<(f64, u32)> = None;
    for (i, (id, total)) in sorted.into_iter().enumerate() {
        let r = match previous {
            Some((t, r)) if t == total => r,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        previous = Some((total, r));
        ranked.push((id, r));
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn counts(numerator: f64, denominator: f64) -> Counts {
        Counts::new(numerator, denominator).unwrap()
    }

    fn inputs(entries: &[(&str, Counts)]) -> Inputs {
        let mut i = Inputs::new();
        for (code, c) in entries {
            i.set_ratio(code, *c, None).unwrap();
        }
        i
    }

    fn shown(points: Option<f64>) -> String {
        format!("{:.2}", round2(points.expect("scored")))
    }

    /// The points of one indicator given alone, under the default configuration.
    fn alone(code: &str, c: Counts) -> IndicatorScore {
        let s = evaluate(&inputs(&[(code, c)]), &Config::default());
        s.indicator(code).unwrap().clone()
    }

    fn payment(a: f64, b: f64, c: f64) -> Inputs {
        let mut i = Inputs::new();
        i.set_payment(
            PaymentCounts {
                dossiers_paid_online: counts(a, 1.0),
                procedures_paid_online: counts(b, 1.0),
                procedures_with_dossiers: counts(c, 1.0),
            },
            None,
        );
        i
    }

    #[test]
    fn the_table_adds_up_to_each_group_and_to_100() {
        let mut codes: Vec<&str> = INDICATORS.iter().map(|i| i.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), INDICATORS.len(), "codes are unique");
        for g in Group::ALL {
            let sum: f64 = g.indicators().map(|i| i.max_points).sum();
            assert_eq!(sum, g.max_points(), "group {}", g.code());
            assert_eq!(Group::parse(g.code()), Some(g));
        }
        let total: f64 = Group::ALL.iter().map(|g| g.max_points()).sum();
        assert_eq!(total, 100.0);
        let t = Thresholds::default();
        assert_eq!(t.get("4.3"), Some(0.8));
        assert_eq!(t.get("5.3"), Some(0.9));
        assert_eq!(t.get("2.1"), Some(1.0));
        assert_eq!(indicator("4.6").map(|i| i.max_points), Some(2.0));
        assert_eq!(indicator("3b").map(|i| i.measure), Some(Measure::Payment));
    }

    /// Spec §4.4, row by row.
    #[test]
    fn test_vectors() {
        assert_eq!(shown(alone("1.1", counts(90.0, 100.0)).points), "5.40");
        assert_eq!(shown(alone("1.2", counts(75.0, 100.0)).points), "3.00");
        assert_eq!(shown(alone("1.3", counts(100.0, 100.0)).points), "2.00");
        assert_eq!(shown(alone("1.4", counts(95.5, 100.0)).points), "5.73");
        let group1 = evaluate(
            &inputs(&[
                ("1.1", counts(90.0, 100.0)),
                ("1.2", counts(75.0, 100.0)),
                ("1.3", counts(100.0, 100.0)),
                ("1.4", counts(955.0, 1000.0)),
            ]),
            &Config::default(),
        );
        assert_eq!(
            shown(group1.group(Group::Transparency).unwrap().points),
            "16.13"
        );
        assert_eq!(shown(Some(group1.total)), "16.13");

        let progress = alone("2.1", Counts::of(1180, 1250).unwrap());
        assert_eq!(shown(progress.points), "18.88");
        let nothing = alone("2.1", Counts::of(0, 0).unwrap());
        assert_eq!(nothing.status, Status::NotApplicable);
        assert_eq!(nothing.points, None, "N/A, not 0 and not 20");

        assert_eq!(shown(alone("5.3", counts(95.0, 100.0)).points), "6.00");
        assert_eq!(shown(alone("5.3", counts(81.0, 100.0)).points), "5.40");
        assert_eq!(
            shown(alone("5.1", Counts::of(9, 10).unwrap()).points),
            "5.40"
        );
        let no_pakn = alone("5.2", Counts::of(0, 0).unwrap());
        assert_eq!(no_pakn.status, Status::NoFeedbackFull);
        assert_eq!(shown(no_pakn.points), "6.00");

        assert_eq!(shown(alone("4.3", counts(40.0, 100.0)).points), "1.00");
        assert_eq!(shown(alone("4.3", counts(85.0, 100.0)).points), "2.00");

        let s = evaluate(&payment(0.5, 0.6, 0.7), &Config::default());
        assert_eq!(shown(s.indicator("3b").unwrap().points), "6.25");
        let s = evaluate(&payment(1.0, 1.0, 1.0), &Config::default());
        assert_eq!(shown(s.indicator("3b").unwrap().points), "10.00");
        assert_eq!(
            shown(s.group(Group::OnlinePayment).unwrap().points),
            "10.00"
        );
        let uncapped = Config {
            cap_at_group_max: false,
            ..Config::default()
        };
        let s = evaluate(&payment(1.0, 1.0, 1.0), &uncapped);
        assert_eq!(shown(s.indicator("3b").unwrap().points), "10.50");
        assert_eq!(
            shown(s.group(Group::OnlinePayment).unwrap().points),
            "10.50"
        );
    }

    #[test]
    fn not_applicable_is_neither_zero_nor_full() {
        let s = evaluate(
            &inputs(&[("2.1", counts(0.0, 0.0)), ("1.1", counts(3.0, 6.0))]),
            &Config::default(),
        );
        let progress = s.group(Group::Progress).unwrap();
        assert_eq!(progress.points, None);
        assert_eq!(progress.attainable, 0.0);
        assert_eq!(s.total, 3.0);
        assert_eq!(s.attainable, 6.0, "2.1's 20 points are not available");
        assert_eq!(score(20.0, 0.0, 0.0, 1.0), None);
        assert_eq!(score(20.0, 0.0, 5.0, 1.0), Some(0.0));
    }

    #[test]
    fn a_perfect_unit_scores_100() {
        let mut i = Inputs::new();
        for ind in &INDICATORS {
            if ind.measure == Measure::Ratio {
                i.set_ratio(ind.code, Counts::of(40, 40).unwrap(), None)
                    .unwrap();
            }
        }
        i.set_payment(
            PaymentCounts {
                dossiers_paid_online: Counts::of(7, 7).unwrap(),
                procedures_paid_online: Counts::of(3, 3).unwrap(),
                procedures_with_dossiers: Counts::of(3, 3).unwrap(),
            },
            Some("cổng thanh toán tỉnh".into()),
        );
        let s = evaluate(&i, &Config::default());
        assert_eq!(round2(s.total), 100.0);
        assert_eq!(s.attainable, 100.0);
        assert!(s.indicators.iter().all(|x| x.status == Status::Scored));
        for g in &s.groups {
            assert_eq!(g.points, Some(g.max_points));
        }
        assert_eq!(
            s.indicator("3b").unwrap().source.as_deref(),
            Some("cổng thanh toán tỉnh")
        );
    }

    #[test]
    fn missing_figures_do_not_count() {
        let s = evaluate(&Inputs::new(), &Config::default());
        assert_eq!((s.total, s.attainable), (0.0, 0.0));
        assert!(s.indicators.iter().all(|x| x.status == Status::NoData));
        assert!(s.indicators.iter().all(|x| x.points.is_none()));
        assert!(s.groups.iter().all(|g| g.points.is_none()));

        let s = evaluate(
            &inputs(&[("2.1", Counts::of(5, 10).unwrap())]),
            &Config::default(),
        );
        assert_eq!((s.total, s.attainable), (10.0, 20.0), "10 of 20 available");
        assert_eq!(s.indicator("5.3").unwrap().status, Status::NoData);
    }

    #[test]
    fn pakn_points_can_move_to_dossier_satisfaction() {
        let figures = inputs(&[
            ("5.1", counts(0.0, 0.0)),
            ("5.2", counts(0.0, 0.0)),
            ("5.3", counts(81.0, 100.0)),
        ]);
        let default = evaluate(&figures, &Config::default());
        assert_eq!(
            shown(default.group(Group::Satisfaction).unwrap().points),
            "17.40"
        );
        let moved = evaluate(
            &figures,
            &Config {
                no_feedback: NoFeedback::MoveToDossierSatisfaction,
                ..Config::default()
            },
        );
        let s53 = moved.indicator("5.3").unwrap();
        assert_eq!(s53.max_points, 18.0);
        assert_eq!(shown(s53.points), "16.20");
        for code in ["5.1", "5.2"] {
            let s = moved.indicator(code).unwrap();
            assert_eq!(
                (s.status, s.points, s.max_points),
                (Status::NoFeedbackMoved, None, 0.0)
            );
        }
        let g = moved.group(Group::Satisfaction).unwrap();
        assert_eq!(g.attainable, 18.0);
        assert_eq!(shown(g.points), "16.20");
    }

    #[test]
    fn payment_ratios_without_a_denominator() {
        let mut i = Inputs::new();
        let zero = Counts::of(0, 0).unwrap();
        i.set_payment(
            PaymentCounts {
                dossiers_paid_online: zero,
                procedures_paid_online: zero,
                procedures_with_dossiers: zero,
            },
            None,
        );
        let s = evaluate(&i, &Config::default());
        assert_eq!(s.indicator("3b").unwrap().status, Status::NotApplicable);
        i.set_payment(
            PaymentCounts {
                dossiers_paid_online: zero,
                procedures_paid_online: Counts::of(1, 2).unwrap(),
                procedures_with_dossiers: Counts::of(0, 2).unwrap(),
            },
            None,
        );
        let s = evaluate(&i, &Config::default());
        assert_eq!(shown(s.indicator("3b").unwrap().points), "1.25");
    }

    #[test]
    fn thresholds_are_configurable() {
        let mut config = Config::default();
        config.thresholds.set("4.2", 0.8).unwrap();
        let s = evaluate(&inputs(&[("4.2", counts(80.0, 100.0))]), &config);
        assert_eq!(shown(s.indicator("4.2").unwrap().points), "4.00");
        assert_eq!(
            config.thresholds.set("4.2", 0.0),
            Err(ScoringError::BadThreshold)
        );
        assert_eq!(
            config.thresholds.set("4.2", f64::NAN),
            Err(ScoringError::BadThreshold)
        );
        assert_eq!(
            config.thresholds.set("9.9", 0.5),
            Err(ScoringError::UnknownCode("9.9".into()))
        );
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&json).unwrap(), config);
        let partial: Config = serde_json::from_str(r#"{"thresholds":{"3a":0.5}}"#).unwrap();
        assert_eq!(partial.thresholds.get("3a"), Some(0.5));
        assert_eq!(partial.thresholds.get("5.3"), Some(0.9));
        assert!(partial.cap_at_group_max);
        assert!(serde_json::from_str::<Config>(r#"{"thresholds":{"3a":1.5}}"#).is_err());
    }

    #[test]
    fn bad_figures_are_refused() {
        assert_eq!(Counts::new(5.0, 4.0), Err(ScoringError::BadCounts));
        assert_eq!(Counts::new(-1.0, 4.0), Err(ScoringError::BadCounts));
        assert_eq!(Counts::new(f64::NAN, 4.0), Err(ScoringError::BadCounts));
        assert_eq!(
            Counts::new(1.0, f64::INFINITY),
            Err(ScoringError::BadCounts)
        );
        let mut i = Inputs::new();
        assert_eq!(
            i.set_ratio("3b", counts(1.0, 1.0), None),
            Err(ScoringError::WrongFigures("3b"))
        );
        assert_eq!(
            i.set_ratio("2.2", counts(1.0, 1.0), None),
            Err(ScoringError::UnknownCode("2.2".into()))
        );
        i.set_ratio("1.4", counts(95.5, 100.0), Some("DVCQG".into()))
            .unwrap();
        let json = serde_json::to_string(&i).unwrap();
        assert_eq!(serde_json::from_str::<Inputs>(&json).unwrap(), i);
        let bad = r#"{"1.4":{"figures":{"ratio":{"numerator":3,"denominator":2}},"source":null}}"#;
        assert!(serde_json::from_str::<Inputs>(bad).is_err());
        let unknown =
            r#"{"7.1":{"figures":{"ratio":{"numerator":1,"denominator":2}},"source":null}}"#;
        assert!(serde_json::from_str::<Inputs>(unknown).is_err());
    }

    #[test]
    fn rounding_is_half_away_from_zero_on_the_decimal_value() {
        assert_eq!(round2(1.005), 1.01);
        assert_eq!(round2(2.675), 2.68, "2.675 is 2.67499… in binary");
        assert_eq!(round2(2.344), 2.34);
        assert_eq!(round2(0.0), 0.0);
        assert!(round2(f64::NAN).is_nan());
    }

    #[test]
    fn ranks_share_ties_and_skip() {
        assert_eq!(
            rank(&[(3, 90.0), (1, 95.0), (2, 90.0), (4, 80.0)]),
            vec![(1, 1), (2, 2), (3, 2), (4, 4)]
        );
        assert_eq!(
            rank(&[(9, 70.0), (5, 70.0), (7, 60.0)]),
            vec![(5, 1), (9, 1), (7, 3)]
        );
        assert_eq!(
            rank(&[(1, 89.996), (2, 90.004), (3, f64::NAN)]),
            vec![(1, 1), (2, 1), (3, 3)],
            "both show 90.00"
        );
        assert!(rank(&[]).is_empty());
    }

    fn arb_counts() -> impl Strategy<Value = Counts> {
        (0u32..500, 0u32..500)
            .prop_map(|(a, b)| Counts::of(a.min(b).into(), a.max(b).into()).unwrap())
    }

    proptest! {
        #[test]
        fn points_stay_within_bounds_and_grow_with_the_numerator(
            max in 0.0f64..30.0,
            denominator in 1u32..10_000,
            a in 0u32..12_000,
            b in 0u32..12_000,
            threshold in 0.01f64..=1.0,
        ) {
            let (lo, hi) = (f64::from(a.min(b)), f64::from(a.max(b)));
            let d = f64::from(denominator);
            let p_lo = score(max, lo, d, threshold).unwrap();
            let p_hi = score(max, hi, d, threshold).unwrap();
            prop_assert!((0.0..=max).contains(&p_lo));
            prop_assert!((0.0..=max).contains(&p_hi));
            prop_assert!(p_lo <= p_hi);
        }

        #[test]
        fn evaluation_stays_within_bounds(
            ratios in prop::collection::vec(prop::option::of(arb_counts()), 16),
            pay in prop::option::of((arb_counts(), arb_counts(), arb_counts())),
            moving in any::<bool>(),
            cap in any::<bool>(),
        ) {
            let mut i = Inputs::new();
            let codes = INDICATORS.iter().filter(|x| x.measure == Measure::Ratio);
            for (ind, c) in codes.zip(ratios) {
                if let Some(c) = c {
                    i.set_ratio(ind.code, c, None).unwrap();
                }
            }
            if let Some((a, b, c)) = pay {
                i.set_payment(PaymentCounts {
                    dossiers_paid_online: a,
                    procedures_paid_online: b,
                    procedures_with_dossiers: c,
                }, None);
            }
            let config = Config {
                cap_at_group_max: cap,
                no_feedback: if moving {
                    NoFeedback::MoveToDossierSatisfaction
                } else {
                    NoFeedback::FullPoints
                },
                ..Config::default()
            };
            let s = evaluate(&i, &config);
            for x in &s.indicators {
                prop_assert_eq!(x.points.is_some(), x.status.counts());
                let over = if x.indicator.code == "3b" && !cap { 0.5 } else { 0.0 };
                if let Some(p) = x.points {
                    prop_assert!(p >= 0.0 && p <= x.max_points + over, "{} {}", x.indicator.code, p);
                }
            }
            let slack = if cap { 1e-9 } else { 0.5 + 1e-9 };
            prop_assert!(s.total <= s.attainable + slack);
            prop_assert!(s.attainable <= 100.0 + 1e-9);
            for g in &s.groups {
                prop_assert!(g.attainable <= g.max_points + 1e-9);
            }
        }
    }
}

//! Competence for administrative procedures (thẩm quyền giải quyết thủ tục hành chính):
//! who is legally competent for a procedure at a communal unit on a date, who actually
//! signs, and on what basis. No I/O.
//!
//! # Model
//!
//! - The procedure catalogue gives each [`Procedure`] its legal [`Level`]. A level has a
//!   *holder* in a unit: [`Level::Commune`] ⇒ the chairman of that unit's People's
//!   Committee ([`Authority::UnitChairman`]; wards, communes and the special zone alike),
//!   [`Level::City`] ⇒ [`Authority::CityChairman`], [`Level::Department`] ⇒ that
//!   department. [`Level::District`] (UBND cấp huyện, abolished on 1 July 2025) has no
//!   holder anywhere: it exists so that a catalogue entry not yet re-assigned can be
//!   recorded, and shows up as a gap.
//! - A [`Decision`] moves power ([`DecisionKind::Decentralisation`], phân cấp) or lends
//!   the signature ([`DecisionKind::Delegation`], ủy quyền). Its `from` and `to` are a
//!   [`Party`]: a level (read as the level's holder in the unit being resolved) or a
//!   concrete authority.
//!
//! # Which decisions take part
//!
//! A decision *applies* to (procedure P, unit U, date D) when all hold:
//! - it is **in force** on D: `valid_from <= D`, `valid_to` is absent or `D <= valid_to`
//!   (inclusive), and it is not revoked on or before D (`revoked` is the date the
//!   revocation takes effect; before that date the decision still counts, so history
//!   resolves as it was);
//! - its **scope** lists P's code (exact, after trimming) or P's domain (compared after
//!   [`crate::text::fold`], so `Hộ tịch` and `hộ tịch` match);
//! - its **units** are [`Units::All`] or a list containing U.
//!
//! Decisions that do not apply are ignored. In particular, once a decision expires or is
//! revoked the resolution falls back to what it was without it: an expired delegation
//! returns the signature to the delegator, an expired decentralisation returns the power
//! to where it came from.
//!
//! # Resolution
//!
//! 1. **Catalogue.** Start at P's level, read as its holder in U (or the vacant level).
//!    This is always the first step of the basis.
//! 2. **Decentralisations**, repeatedly: take the applying decentralisations whose `from`
//!    is the current holder (a level `from` matches its holder in U). None ⇒ stop. If they
//!    point to different holders ⇒ [`Resolution::Conflict`] listing them. Otherwise the
//!    power moves there and each of them is a step of the basis (by id). A decision that
//!    would move the power back to a holder it already had in this chain (A: city → wards
//!    and B: wards → city, both in force) is a [`Resolution::Conflict`] listing the
//!    decisions of the cycle. A decentralisation whose target is the current holder is a
//!    no-op and ignored. Chains (city → department → wards) are followed; the loop ends
//!    because every step reaches a holder not seen before.
//! 3. **Gap checks** on the competent holder, giving [`Resolution::Gap`]:
//!    - [`GapReason::NoHolder`]: the power sits at a level with no holder in U (the
//!      abolished district level, whether by catalogue or by a decision);
//!    - [`GapReason::OtherUnit`]: the power sits with an authority of another unit, which
//!      has no territorial competence in U;
//!    - [`GapReason::HeldByDeputy`]: a decentralisation named a deputy chairman; power is
//!      vested in an office, and a deputy can only sign by delegation.
//! 4. **Delegation**, once: take the applying delegations whose `from` is the competent
//!    authority. None ⇒ the authority signs itself. Different delegates ⇒
//!    [`Resolution::Conflict`]. Otherwise the delegate signs (each such decision a step);
//!    a delegate with no holder or of another unit is a gap as above. Delegations are not
//!    followed further: the law forbids the delegate to delegate again (ủy quyền tiếp), so
//!    a delegation *from* the delegate never matches the competent authority and is
//!    ignored.
//!
//! Otherwise the result is [`Resolution::Competent`] with the legally competent
//! `authority`, the `signing` authority (the delegate, or the same) and the `basis`.
//!
//! What is *not* a gap: a decision restricted to some units leaves the others where the
//! catalogue (or another decision) puts them; a decentralisation "to the wards" is
//! recorded with the list of ward ids, and a commune outside it simply keeps the city's
//! competence.
//!
//! [`validate`] rejects malformed decisions before they are stored; the resolver still
//! never panics on decisions that did not pass it.

use crate::text::fold;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The competent level named by the procedure catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// UBND cấp xã: the chairman of the ward, commune or special zone People's Committee.
    Commune,
    /// UBND cấp huyện, abolished on 1 July 2025: no holder in any unit.
    District,
    /// UBND Thành phố / Chủ tịch UBND Thành phố.
    City,
    /// A city department (sở), by code, e.g. `STP` (Sở Tư pháp).
    Department(String),
}

impl Level {
    /// Who holds this level in `unit`; `None` when the level has no holder.
    pub fn holder(&self, unit: i64) -> Option<Authority> {
        match self {
            Level::Commune => Some(Authority::UnitChairman(unit)),
            Level::District => None,
            Level::City => Some(Authority::CityChairman),
            Level::Department(code) => Some(Authority::Department(code.clone())),
        }
    }

    /// The official name, for pages.
    pub fn label(&self) -> String {
        match self {
            Level::Commune => "UBND cấp xã".to_string(),
            Level::District => "UBND cấp huyện (đã bãi bỏ)".to_string(),
            Level::City => "UBND Thành phố".to_string(),
            Level::Department(code) => format!("Sở {code}"),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// A concrete authority that can be competent or sign.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// Chủ tịch UBND of a communal unit, by unit id.
    UnitChairman(i64),
    /// A named deputy chairman of a communal unit (Phó Chủ tịch UBND), who signs by
    /// delegation.
    UnitDeputy { unit: i64, person: String },
    /// Chủ tịch UBND Thành phố.
    CityChairman,
    /// A city department, by code.
    Department(String),
}

impl Authority {
    /// The communal unit the authority belongs to, if it belongs to one.
    pub fn unit(&self) -> Option<i64> {
        match self {
            Authority::UnitChairman(unit) | Authority::UnitDeputy { unit, .. } => Some(*unit),
            Authority::CityChairman | Authority::Department(_) => None,
        }
    }

    /// A stable, language-neutral key (`unit_chairman:12`, `unit_deputy:12:Nguyễn Văn A`,
    /// `city_chairman`, `department:STP`).
    pub fn key(&self) -> String {
        match self {
            Authority::UnitChairman(unit) => format!("unit_chairman:{unit}"),
            Authority::UnitDeputy { unit, person } => format!("unit_deputy:{unit}:{person}"),
            Authority::CityChairman => "city_chairman".to_string(),
            Authority::Department(code) => format!("department:{code}"),
        }
    }

    /// The official title, for pages (the unit by id; pages may put its name instead).
    pub fn label(&self) -> String {
        match self {
            Authority::UnitChairman(unit) => format!("Chủ tịch UBND cấp xã (đơn vị {unit})"),
            Authority::UnitDeputy { unit, person } => {
                format!("Phó Chủ tịch UBND cấp xã {person} (đơn vị {unit})")
            }
            Authority::CityChairman => "Chủ tịch UBND Thành phố".to_string(),
            Authority::Department(code) => format!("Giám đốc Sở {code}"),
        }
    }
}

impl fmt::Display for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// One side of a decision: a level (its holder in the unit being resolved) or a concrete
/// authority. Also where a [`Step`] left the power: an authority, or a level without a
/// holder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Level(Level),
    Authority(Authority),
}

impl Party {
    /// The party as seen from `unit`: a level becomes its holder there, or stays a
    /// (vacant) level when it has none.
    pub fn seat(&self, unit: i64) -> Party {
        match self {
            Party::Level(level) => level
                .holder(unit)
                .map_or_else(|| self.clone(), Party::Authority),
            Party::Authority(_) => self.clone(),
        }
    }

    /// The concrete authority, if this is one.
    pub fn authority(&self) -> Option<&Authority> {
        match self {
            Party::Authority(a) => Some(a),
            Party::Level(_) => None,
        }
    }

    /// Whether both name the same holder (`UBND cấp xã` and the chairman of a unit do).
    pub fn same_holder(&self, other: &Party) -> bool {
        let unit = self.bound_unit().or(other.bound_unit()).unwrap_or(0);
        self.seat(unit) == other.seat(unit)
    }

    fn bound_unit(&self) -> Option<i64> {
        self.authority().and_then(Authority::unit)
    }

    pub fn label(&self) -> String {
        match self {
            Party::Level(level) => level.label(),
            Party::Authority(a) => a.label(),
        }
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// An administrative procedure as catalogued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// National catalogue code, e.g. `1.001193`.
    pub code: String,
    /// E.g. `Đăng ký khai sinh`.
    pub name: String,
    /// Lĩnh vực, e.g. `Hộ tịch`.
    pub domain: String,
    /// The competent level per the catalogue.
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Phân cấp: the power itself moves.
    Decentralisation,
    /// Ủy quyền: the holder stays competent; the delegate signs in its name.
    Delegation,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Decentralisation => "decentralisation",
            DecisionKind::Delegation => "delegation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DecisionKind::Decentralisation => "Phân cấp",
            DecisionKind::Delegation => "Ủy quyền",
        }
    }
}

/// The legal instrument a decision is made by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    /// E.g. `15/2026/QĐ-UBND`.
    pub number: String,
    #[serde(with = "iso_date")]
    pub signed: Date,
    pub signer: String,
}

impl Instrument {
    /// `15/2026/QĐ-UBND ngày 01/03/2026`.
    pub fn label(&self) -> String {
        format!("{} ngày {}", self.number, self.signed.strftime("%d/%m/%Y"))
    }
}

/// What a decision covers: procedures by code and whole domains.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub procedures: Vec<String>,
    pub domains: Vec<String>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        self.procedures.is_empty() && self.domains.is_empty()
    }

    /// Whether the scope lists the procedure's code or its domain.
    pub fn covers(&self, p: &Procedure) -> bool {
        self.covers_folded(p.code.trim(), &fold(&p.domain))
    }

    fn covers_folded(&self, code: &str, folded_domain: &str) -> bool {
        self.procedures.iter().any(|c| c.trim() == code)
            || self.domains.iter().any(|d| fold(d) == folded_domain)
    }
}

/// The units a decision applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Units {
    All,
    List(Vec<i64>),
}

impl Units {
    pub fn covers(&self, unit: i64) -> bool {
        match self {
            Units::All => true,
            Units::List(ids) => ids.contains(&unit),
        }
    }
}

/// A competence decision (quyết định phân cấp / ủy quyền).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub id: i64,
    pub kind: DecisionKind,
    pub instrument: Instrument,
    pub from: Party,
    pub to: Party,
    pub scope: Scope,
    pub units: Units,
    #[serde(with = "iso_date")]
    pub valid_from: Date,
    /// Last day in force (inclusive); `None`: until revoked.
    #[serde(with = "iso_date::option", default)]
    pub valid_to: Option<Date>,
    /// The day a revocation takes effect: not in force on or after it.
    #[serde(with = "iso_date::option", default)]
    pub revoked: Option<Date>,
}

impl Decision {
    /// In force on `date` (see the module doc).
    pub fn in_force(&self, date: Date) -> bool {
        self.valid_from <= date
            && self.valid_to.is_none_or(|end| date <= end)
            && self.revoked.is_none_or(|r| date < r)
    }

    /// In force on `date` and covering the procedure and the unit.
    pub fn applies(&self, p: &Procedure, unit: i64, date: Date) -> bool {
        self.in_force(date) && self.units.covers(unit) && self.scope.covers(p)
    }
}

/// One link of the basis of a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The legal level per the catalogue, and who holds it in the unit.
    Catalogue { level: Level, holder: Party },
    /// A decision applied, and where it put the power (decentralisation) or the
    /// signature (delegation).
    Decision {
        id: i64,
        kind: DecisionKind,
        instrument: Instrument,
        to: Party,
    },
}

impl Step {
    /// The decision's id, `None` for the catalogue step.
    pub fn decision(&self) -> Option<i64> {
        match self {
            Step::Catalogue { .. } => None,
            Step::Decision { id, .. } => Some(*id),
        }
    }

    /// Where the step left the power or the signature.
    pub fn to(&self) -> &Party {
        match self {
            Step::Catalogue { holder, .. } => holder,
            Step::Decision { to, .. } => to,
        }
    }

    /// `Danh mục TTHC: UBND cấp xã → …` or `Phân cấp, 15/2026/QĐ-UBND ngày 01/03/2026 → …`.
    pub fn label(&self) -> String {
        match self {
            Step::Catalogue { level, holder } => format!("Danh mục TTHC: {level} → {holder}"),
            Step::Decision {
                kind,
                instrument,
                to,
                ..
            } => format!("{}, {} → {to}", kind.label(), instrument.label()),
        }
    }
}

/// Why nobody is competent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum GapReason {
    /// The power (or the signature) sits at a level with no holder in the unit.
    NoHolder { level: Level },
    /// The power (or the signature) sits with an authority of another unit.
    OtherUnit { authority: Authority },
    /// A decentralisation gave the power to a deputy, who can only sign by delegation.
    HeldByDeputy { authority: Authority },
}

impl GapReason {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            GapReason::NoHolder { .. } => "no_holder",
            GapReason::OtherUnit { .. } => "other_unit",
            GapReason::HeldByDeputy { .. } => "held_by_deputy",
        }
    }
}

impl fmt::Display for GapReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GapReason::NoHolder { level } => write!(f, "{level} has no holder in this unit"),
            GapReason::OtherUnit { authority } => {
                write!(f, "{authority} has no territorial competence in this unit")
            }
            GapReason::HeldByDeputy { authority } => write!(
                f,
                "{authority} is a deputy and can only sign by delegation, not hold the power"
            ),
        }
    }
}

/// Who is competent for a procedure at a unit on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Resolution {
    Competent {
        /// Legally competent.
        authority: Authority,
        /// Actually signing: a delegate, or `authority` itself.
        signing: Authority,
        /// The catalogue step, then every decision applied, in order.
        basis: Vec<Step>,
    },
    Gap {
        reason: GapReason,
        /// The steps up to where the chain left nobody competent.
        basis: Vec<Step>,
    },
    /// In-force decisions of one kind that apply together but point different ways,
    /// ids ascending.
    Conflict {
        kind: DecisionKind,
        decisions: Vec<i64>,
    },
}

impl Resolution {
    pub fn is_competent(&self) -> bool {
        matches!(self, Resolution::Competent { .. })
    }
}

/// Who is competent for `procedure` at `unit` on `date` under `decisions` (see the
/// module doc for the exact semantics).
pub fn resolve(procedure: &Procedure, unit: i64, date: Date, decisions: &[Decision]) -> Resolution {
    let folded = fold(&procedure.domain);
    let code = procedure.code.trim();
    let applying: Vec<&Decision> = decisions
        .iter()
        .filter(|d| {
            d.in_force(date) && d.units.covers(unit) && d.scope.covers_folded(code, &folded)
        })
        .collect();
    resolve_among(procedure, unit, &applying)
}

/// [`resolve`] over decisions already known to be in force and to cover the procedure;
/// only the units are checked here.
fn resolve_among(procedure: &Procedure, unit: i64, covering: &[&Decision]) -> Resolution {
    let here: Vec<&Decision> = covering
        .iter()
        .copied()
        .filter(|d| d.units.covers(unit))
        .collect();
    let mut current = Party::Level(procedure.level.clone()).seat(unit);
    let mut basis = vec![Step::Catalogue {
        level: procedure.level.clone(),
        holder: current.clone(),
    }];
    // Every holder the power has had, with the length of the basis when it got there.
    let mut held: Vec<(Party, usize)> = vec![(current.clone(), basis.len())];
    loop {
        let moves = matching(&here, DecisionKind::Decentralisation, &current, unit);
        if moves.is_empty() {
            break;
        }
        let target = match single_target(&moves, DecisionKind::Decentralisation, unit) {
            Ok(target) => target,
            Err(conflict) => return conflict,
        };
        if let Some((_, since)) = held.iter().find(|(p, _)| *p == target) {
            let mut ids: Vec<i64> = basis[*since..].iter().filter_map(Step::decision).collect();
            ids.extend(moves.iter().map(|d| d.id));
            return conflict(DecisionKind::Decentralisation, ids);
        }
        basis.extend(moves.iter().map(|d| step(d, &target)));
        held.push((target.clone(), basis.len()));
        current = target;
    }
    let authority = match holder_here(&current, unit) {
        Ok(a) => a,
        Err(reason) => return Resolution::Gap { reason, basis },
    };
    if let Authority::UnitDeputy { .. } = authority {
        let reason = GapReason::HeldByDeputy { authority };
        return Resolution::Gap { reason, basis };
    }
    let delegations = matching(&here, DecisionKind::Delegation, &current, unit);
    let signing = if delegations.is_empty() {
        authority.clone()
    } else {
        let target = match single_target(&delegations, DecisionKind::Delegation, unit) {
            Ok(target) => target,
            Err(conflict) => return conflict,
        };
        basis.extend(delegations.iter().map(|d| step(d, &target)));
        match holder_here(&target, unit) {
            Ok(a) => a,
            Err(reason) => return Resolution::Gap { reason, basis },
        }
    };
    Resolution::Competent {
        authority,
        signing,
        basis,
    }
}

/// The decisions of `kind` whose `from` is `current` in `unit` and that change something,
/// by id.
fn matching<'a>(
    here: &[&'a Decision],
    kind: DecisionKind,
    current: &Party,
    unit: i64,
) -> Vec<&'a Decision> {
    let mut found: Vec<&Decision> = here
        .iter()
        .copied()
        .filter(|d| d.kind == kind && d.from.seat(unit) == *current && d.to.seat(unit) != *current)
        .collect();
    found.sort_by_key(|d| d.id);
    found
}

/// The one holder all `decisions` point to in `unit`, or the conflict between them.
fn single_target(
    decisions: &[&Decision],
    kind: DecisionKind,
    unit: i64,
) -> Result<Party, Resolution> {
    let mut targets = decisions.iter().map(|d| d.to.seat(unit));
    let first = targets.next().unwrap_or(Party::Level(Level::District));
    if targets.all(|t| t == first) {
        Ok(first)
    } else {
        Err(conflict(kind, decisions.iter().map(|d| d.id).collect()))
    }
}

fn conflict(kind: DecisionKind, mut decisions: Vec<i64>) -> Resolution {
    decisions.sort_unstable();
    decisions.dedup();
    Resolution::Conflict { kind, decisions }
}

fn step(d: &Decision, to: &Party) -> Step {
    Step::Decision {
        id: d.id,
        kind: d.kind,
        instrument: d.instrument.clone(),
        to: to.clone(),
    }
}

/// The authority a seat names, if it can act in `unit`.
fn holder_here(seat: &Party, unit: i64) -> Result<Authority, GapReason> {
    match seat {
        Party::Level(level) => Err(GapReason::NoHolder {
            level: level.clone(),
        }),
        Party::Authority(a) if a.unit().is_some_and(|u| u != unit) => Err(GapReason::OtherUnit {
            authority: a.clone(),
        }),
        Party::Authority(a) => Ok(a.clone()),
    }
}

/// Every (procedure code, unit) pair, in input order, whose resolution on `date` is not
/// [`Resolution::Competent`], for the gaps page. Decisions are filtered by date once and
/// by scope once per procedure.
pub fn gaps(
    procedures: &[Procedure],
    units: &[i64],
    date: Date,
    decisions: &[Decision],
) -> Vec<(String, i64, Resolution)> {
    let in_force: Vec<&Decision> = decisions.iter().filter(|d| d.in_force(date)).collect();
    let mut out = Vec::new();
    for p in procedures {
        let folded = fold(&p.domain);
        let code = p.code.trim();
        let covering: Vec<&Decision> = in_force
            .iter()
            .copied()
            .filter(|d| d.scope.covers_folded(code, &folded))
            .collect();
        for &unit in units {
            let r = resolve_among(p, unit, &covering);
            if !r.is_competent() {
                out.push((p.code.clone(), unit, r));
            }
        }
    }
    out
}

/// Dates as `YYYY-MM-DD` strings (the workspace builds jiff without its serde feature).
mod iso_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }

    pub mod option {
        use jiff::civil::Date;
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match date {
                Some(date) => s.collect_str(date),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| text.parse().map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// Why a decision cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("the instrument has no number")]
    MissingInstrumentNumber,
    #[error("the instrument has no signer")]
    MissingSigner,
    #[error("the scope names no procedure and no domain")]
    EmptyScope,
    #[error("the scope has a blank procedure code or domain")]
    BlankScopeEntry,
    #[error("the decision applies to an empty list of units")]
    EmptyUnits,
    #[error("the decision ends ({valid_to}) before it starts ({valid_from})")]
    EndsBeforeStart { valid_from: Date, valid_to: Date },
    #[error("the decision takes effect ({valid_from}) before it was signed ({signed})")]
    EffectiveBeforeSigned { valid_from: Date, signed: Date },
    #[error("a decentralisation must move the power to another level or authority")]
    SameLevel,
    #[error("a delegation must be to another authority than the delegator")]
    SelfDelegation,
    #[error("the power or signature would go to {0}, which has no holder")]
    ToLevelWithoutHolder(Level),
    #[error("a decentralisation cannot give the power to a deputy; delegate the signature")]
    DecentralisationToDeputy,
    #[error("a delegate cannot delegate again (ủy quyền tiếp)")]
    Subdelegation,
    #[error("an authority of unit {0} is named but the decision applies to other units")]
    ForeignUnitAuthority(i64),
}

impl DecisionError {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            DecisionError::MissingInstrumentNumber => "missing_instrument_number",
            DecisionError::MissingSigner => "missing_signer",
            DecisionError::EmptyScope => "empty_scope",
            DecisionError::BlankScopeEntry => "blank_scope_entry",
            DecisionError::EmptyUnits => "empty_units",
            DecisionError::EndsBeforeStart { .. } => "ends_before_start",
            DecisionError::EffectiveBeforeSigned { .. } => "effective_before_signed",
            DecisionError::SameLevel => "same_level",
            DecisionError::SelfDelegation => "self_delegation",
            DecisionError::ToLevelWithoutHolder(_) => "to_level_without_holder",
            DecisionError::DecentralisationToDeputy => "decentralisation_to_deputy",
            DecisionError::Subdelegation => "subdelegation",
            DecisionError::ForeignUnitAuthority(_) => "foreign_unit_authority",
        }
    }
}

/// Checks a decision before it is stored; the first problem found, in the order of the
/// [`DecisionError`] variants. An authority of a unit (a chairman or deputy) may only be
/// named by a decision that applies to that unit alone.
pub fn validate(d: &Decision) -> Result<(), DecisionError> {
    if d.instrument.number.trim().is_empty() {
        return Err(DecisionError::MissingInstrumentNumber);
    }
    if d.instrument.signer.trim().is_empty() {
        return Err(DecisionError::MissingSigner);
    }
    if d.scope.is_empty() {
        return Err(DecisionError::EmptyScope);
    }
    let blank = |s: &String| s.trim().is_empty();
    if d.scope.procedures.iter().any(blank) || d.scope.domains.iter().any(blank) {
        return Err(DecisionError::BlankScopeEntry);
    }
    if matches!(&d.units, Units::List(ids) if ids.is_empty()) {
        return Err(DecisionError::EmptyUnits);
    }
    if let Some(valid_to) = d.valid_to
        && valid_to < d.valid_from
    {
        return Err(DecisionError::EndsBeforeStart {
            valid_from: d.valid_from,
            valid_to,
        });
    }
    if d.valid_from < d.instrument.signed {
        return Err(DecisionError::EffectiveBeforeSigned {
            valid_from: d.valid_from,
            signed: d.instrument.signed,
        });
    }
    if d.from.same_holder(&d.to) {
        return Err(match d.kind {
            DecisionKind::Decentralisation => DecisionError::SameLevel,
            DecisionKind::Delegation => DecisionError::SelfDelegation,
        });
    }
    if let Party::Level(level) = &d.to
        && level.holder(0).is_none()
    {
        return Err(DecisionError::ToLevelWithoutHolder(level.clone()));
    }
    let is_deputy = |p: &Party| matches!(p, Party::Authority(Authority::UnitDeputy { .. }));
    if d.kind == DecisionKind::Decentralisation && is_deputy(&d.to) {
        return Err(DecisionError::DecentralisationToDeputy);
    }
    if d.kind == DecisionKind::Delegation && is_deputy(&d.from) {
        return Err(DecisionError::Subdelegation);
    }
    for unit in [d.from.bound_unit(), d.to.bound_unit()]
        .into_iter()
        .flatten()
    {
        let alone = matches!(&d.units, Units::List(ids) if ids.iter().all(|u| *u == unit));
        if !alone {
            return Err(DecisionError::ForeignUnitAuthority(unit));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// Phường Sài Gòn, Phường Bến Thành, Xã Bình Chánh (ids as in the register).
    const SAI_GON: i64 = 26734;
    const BEN_THANH: i64 = 26740;
    const BINH_CHANH: i64 = 27595;

    fn proc(code: &str, name: &str, domain: &str, level: Level) -> Procedure {
        Procedure {
            code: code.into(),
            name: name.into(),
            domain: domain.into(),
            level,
        }
    }

    fn khai_sinh() -> Procedure {
        proc("1.001193", "Đăng ký khai sinh", "Hộ tịch", Level::Commune)
    }

    /// A city-level procedure of the same domain.
    fn ket_hon_nuoc_ngoai() -> Procedure {
        proc(
            "1.000894",
            "Đăng ký kết hôn có yếu tố nước ngoài",
            "Hộ tịch",
            Level::City,
        )
    }

    fn instrument(number: &str, signed: &str) -> Instrument {
        Instrument {
            number: number.into(),
            signed: d(signed),
            signer: "Chủ tịch UBND Thành phố".into(),
        }
    }

    fn lvl(l: Level) -> Party {
        Party::Level(l)
    }

    fn auth(a: Authority) -> Party {
        Party::Authority(a)
    }

    fn deputy(unit: i64, person: &str) -> Authority {
        Authority::UnitDeputy {
            unit,
            person: person.into(),
        }
    }

    /// A decentralisation of the given procedures from `from` to `to` for all units, from
    /// `valid_from` on.
    fn decentralise(id: i64, number: &str, from: Party, to: Party, codes: &[&str]) -> Decision {
        Decision {
            id,
            kind: DecisionKind::Decentralisation,
            instrument: instrument(number, "2026-03-01"),
            from,
            to,
            scope: Scope {
                procedures: codes.iter().map(|c| c.to_string()).collect(),
                domains: vec![],
            },
            units: Units::All,
            valid_from: d("2026-03-15"),
            valid_to: None,
            revoked: None,
        }
    }

    fn competent(r: &Resolution) -> (&Authority, &Authority, Vec<Option<i64>>) {
        match r {
            Resolution::Competent {
                authority,
                signing,
                basis,
            } => (
                authority,
                signing,
                basis.iter().map(Step::decision).collect(),
            ),
            other => panic!("expected competent, got {other:?}"),
        }
    }

    #[test]
    fn a_commune_procedure_is_the_ward_chairmans_by_catalogue() {
        let r = resolve(&khai_sinh(), SAI_GON, d("2026-01-05"), &[]);
        assert_eq!(
            r,
            Resolution::Competent {
                authority: Authority::UnitChairman(SAI_GON),
                signing: Authority::UnitChairman(SAI_GON),
                basis: vec![Step::Catalogue {
                    level: Level::Commune,
                    holder: auth(Authority::UnitChairman(SAI_GON)),
                }],
            }
        );
        let city = resolve(&ket_hon_nuoc_ngoai(), SAI_GON, d("2026-01-05"), &[]);
        assert_eq!(competent(&city).0, &Authority::CityChairman);
    }

    #[test]
    fn a_decentralisation_to_the_wards_takes_effect_on_its_date() {
        let p = ket_hon_nuoc_ngoai();
        let decisions = [decentralise(
            1,
            "15/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Commune),
            &["1.000894"],
        )];
        let before = resolve(&p, BEN_THANH, d("2026-03-14"), &decisions);
        assert_eq!(competent(&before).0, &Authority::CityChairman);
        let on = resolve(&p, BEN_THANH, d("2026-03-15"), &decisions);
        let (authority, signing, ids) = competent(&on);
        assert_eq!(authority, &Authority::UnitChairman(BEN_THANH));
        assert_eq!(signing, authority);
        assert_eq!(ids, vec![None, Some(1)]);
        let Resolution::Competent { basis, .. } = &on else {
            unreachable!()
        };
        assert_eq!(
            basis[1].label(),
            "Phân cấp, 15/2026/QĐ-UBND ngày 01/03/2026 → Chủ tịch UBND cấp xã (đơn vị 26740)"
        );
        assert_eq!(
            basis[0].label(),
            "Danh mục TTHC: UBND Thành phố → Chủ tịch UBND Thành phố"
        );
    }

    #[test]
    fn a_delegation_lends_the_signature_until_it_expires() {
        let p = ket_hon_nuoc_ngoai();
        let mut delegation = decentralise(
            2,
            "45/QĐ-UBND",
            auth(Authority::UnitChairman(SAI_GON)),
            auth(deputy(SAI_GON, "Nguyễn Văn A")),
            &["1.000894"],
        );
        delegation.kind = DecisionKind::Delegation;
        delegation.instrument.signer = "Chủ tịch UBND phường Sài Gòn".into();
        delegation.units = Units::List(vec![SAI_GON]);
        delegation.valid_from = d("2026-04-01");
        delegation.valid_to = Some(d("2026-06-30"));
        let decisions = [
            decentralise(
                1,
                "15/2026/QĐ-UBND",
                lvl(Level::City),
                lvl(Level::Commune),
                &["1.000894"],
            ),
            delegation,
        ];
        assert_eq!(validate(&decisions[1]), Ok(()));
        let during = resolve(&p, SAI_GON, d("2026-06-30"), &decisions);
        let (authority, signing, ids) = competent(&during);
        assert_eq!(authority, &Authority::UnitChairman(SAI_GON));
        assert_eq!(signing, &deputy(SAI_GON, "Nguyễn Văn A"));
        assert_eq!(ids, vec![None, Some(1), Some(2)]);
        let after = resolve(&p, SAI_GON, d("2026-07-01"), &decisions);
        let (authority, signing, ids) = competent(&after);
        assert_eq!(signing, authority, "the signature returns to the chairman");
        assert_eq!(ids, vec![None, Some(1)]);
        let elsewhere = resolve(&p, BEN_THANH, d("2026-05-01"), &decisions);
        assert_eq!(competent(&elsewhere).1, &Authority::UnitChairman(BEN_THANH));
    }

    #[test]
    fn overlapping_decentralisations_pointing_different_ways_conflict() {
        let p = ket_hon_nuoc_ngoai();
        let decisions = [
            decentralise(
                7,
                "15/2026/QĐ-UBND",
                lvl(Level::City),
                lvl(Level::Commune),
                &["1.000894"],
            ),
            decentralise(
                3,
                "22/2026/QĐ-UBND",
                lvl(Level::City),
                lvl(Level::Department("STP".into())),
                &["1.000894"],
            ),
        ];
        assert_eq!(
            resolve(&p, SAI_GON, d("2026-04-01"), &decisions),
            Resolution::Conflict {
                kind: DecisionKind::Decentralisation,
                decisions: vec![3, 7],
            }
        );
        // Two decisions pointing the same way agree, and both are the basis.
        let mut same = decisions.clone();
        same[1].to = lvl(Level::Commune);
        let agreed = resolve(&p, SAI_GON, d("2026-04-01"), &same);
        assert_eq!(competent(&agreed).2, vec![None, Some(3), Some(7)]);
    }

    #[test]
    fn moving_the_power_back_and_forth_is_a_conflict() {
        let p = ket_hon_nuoc_ngoai();
        let decisions = [
            decentralise(
                1,
                "15/2026/QĐ-UBND",
                lvl(Level::City),
                lvl(Level::Commune),
                &["1.000894"],
            ),
            decentralise(
                2,
                "30/2026/QĐ-UBND",
                lvl(Level::Commune),
                lvl(Level::City),
                &["1.000894"],
            ),
        ];
        assert_eq!(
            resolve(&p, SAI_GON, d("2026-04-01"), &decisions),
            Resolution::Conflict {
                kind: DecisionKind::Decentralisation,
                decisions: vec![1, 2],
            }
        );
    }

    #[test]
    fn an_expired_or_revoked_decentralisation_returns_the_power() {
        let p = ket_hon_nuoc_ngoai();
        let mut dec = decentralise(
            1,
            "15/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Commune),
            &["1.000894"],
        );
        dec.valid_to = Some(d("2026-12-31"));
        let last = resolve(&p, SAI_GON, d("2026-12-31"), std::slice::from_ref(&dec));
        assert_eq!(competent(&last).0, &Authority::UnitChairman(SAI_GON));
        let after = resolve(&p, SAI_GON, d("2027-01-01"), std::slice::from_ref(&dec));
        assert_eq!(competent(&after).0, &Authority::CityChairman);
        assert_eq!(competent(&after).2, vec![None]);

        dec.valid_to = None;
        dec.revoked = Some(d("2026-09-01"));
        let before = resolve(&p, SAI_GON, d("2026-08-31"), std::slice::from_ref(&dec));
        assert_eq!(competent(&before).0, &Authority::UnitChairman(SAI_GON));
        let revoked = resolve(&p, SAI_GON, d("2026-09-01"), std::slice::from_ref(&dec));
        assert_eq!(competent(&revoked).0, &Authority::CityChairman);
    }

    #[test]
    fn a_domain_scope_covers_every_procedure_of_the_domain() {
        let mut dec = decentralise(
            1,
            "15/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Commune),
            &[],
        );
        dec.scope.domains = vec!["hộ  tịch".into()];
        let date = d("2026-04-01");
        let decisions = [dec];
        let ket_hon = resolve(&ket_hon_nuoc_ngoai(), SAI_GON, date, &decisions);
        assert_eq!(competent(&ket_hon).0, &Authority::UnitChairman(SAI_GON));
        let nhan_cha = proc(
            "1.001022",
            "Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài",
            "Hộ tịch",
            Level::City,
        );
        let r = resolve(&nhan_cha, SAI_GON, date, &decisions);
        assert_eq!(competent(&r).0, &Authority::UnitChairman(SAI_GON));
        let dat_dai = proc(
            "1.004227",
            "Đăng ký đất đai lần đầu",
            "Đất đai",
            Level::City,
        );
        let r = resolve(&dat_dai, SAI_GON, date, &decisions);
        assert_eq!(competent(&r).0, &Authority::CityChairman);
    }

    #[test]
    fn a_decision_for_listed_units_leaves_the_others_alone() {
        let p = ket_hon_nuoc_ngoai();
        let mut dec = decentralise(
            1,
            "15/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Commune),
            &["1.000894"],
        );
        dec.units = Units::List(vec![SAI_GON, BEN_THANH]);
        let date = d("2026-04-01");
        let decisions = [dec];
        let ward = resolve(&p, BEN_THANH, date, &decisions);
        assert_eq!(competent(&ward).0, &Authority::UnitChairman(BEN_THANH));
        let commune = resolve(&p, BINH_CHANH, date, &decisions);
        assert_eq!(competent(&commune).0, &Authority::CityChairman);
    }

    #[test]
    fn revoked_decisions_are_ignored() {
        let p = ket_hon_nuoc_ngoai();
        let mut dec = decentralise(
            1,
            "15/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Commune),
            &["1.000894"],
        );
        dec.revoked = Some(d("2026-03-20"));
        let r = resolve(&p, SAI_GON, d("2026-04-01"), &[dec]);
        assert_eq!(competent(&r).0, &Authority::CityChairman);
    }

    #[test]
    fn a_district_procedure_is_a_gap_until_reassigned() {
        let p = proc(
            "1.002755",
            "Cấp giấy phép kinh doanh karaoke",
            "Văn hóa",
            Level::District,
        );
        let r = resolve(&p, SAI_GON, d("2026-01-05"), &[]);
        assert_eq!(
            r,
            Resolution::Gap {
                reason: GapReason::NoHolder {
                    level: Level::District
                },
                basis: vec![Step::Catalogue {
                    level: Level::District,
                    holder: lvl(Level::District),
                }],
            }
        );
        let mut dec = decentralise(
            1,
            "120/2025/NĐ-CP",
            lvl(Level::District),
            lvl(Level::Commune),
            &["1.002755"],
        );
        dec.valid_to = Some(d("2026-12-31"));
        let r = resolve(&p, SAI_GON, d("2026-06-01"), std::slice::from_ref(&dec));
        assert_eq!(competent(&r).0, &Authority::UnitChairman(SAI_GON));
        let r = resolve(&p, SAI_GON, d("2027-01-01"), &[dec]);
        assert!(matches!(
            r,
            Resolution::Gap {
                reason: GapReason::NoHolder { .. },
                ..
            }
        ));
    }

    #[test]
    fn an_authority_of_another_unit_is_a_gap() {
        let p = khai_sinh();
        let mut dec = decentralise(
            1,
            "45/QĐ-UBND",
            lvl(Level::Commune),
            auth(deputy(SAI_GON, "Nguyễn Văn A")),
            &["1.001193"],
        );
        dec.kind = DecisionKind::Delegation;
        // Stored with the wrong units: validation would have refused it.
        assert_eq!(
            validate(&dec).map_err(|e| e.code()),
            Err("foreign_unit_authority")
        );
        let r = resolve(&p, BEN_THANH, d("2026-04-01"), std::slice::from_ref(&dec));
        assert!(!r.is_competent());
        let Resolution::Gap { reason, basis } = r else {
            panic!("expected a gap")
        };
        assert_eq!(reason.code(), "other_unit");
        assert_eq!(basis.len(), 2);
        let home = resolve(&p, SAI_GON, d("2026-04-01"), &[dec]);
        assert_eq!(competent(&home).1, &deputy(SAI_GON, "Nguyễn Văn A"));
    }

    #[test]
    fn gaps_lists_exactly_the_pairs_without_one_competent_authority() {
        let karaoke = proc(
            "1.002755",
            "Cấp giấy phép kinh doanh karaoke",
            "Văn hóa",
            Level::District,
        );
        let procedures = [khai_sinh(), ket_hon_nuoc_ngoai(), karaoke];
        let units = [SAI_GON, BEN_THANH, BINH_CHANH];
        let mut to_wards = decentralise(
            1,
            "120/2025/NĐ-CP",
            lvl(Level::District),
            lvl(Level::Commune),
            &["1.002755"],
        );
        to_wards.units = Units::List(vec![SAI_GON, BEN_THANH]);
        let mut a = decentralise(
            2,
            "15/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Commune),
            &["1.000894"],
        );
        a.units = Units::List(vec![BEN_THANH]);
        let mut b = decentralise(
            3,
            "22/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Department("STP".into())),
            &["1.000894"],
        );
        b.units = Units::List(vec![BEN_THANH, BINH_CHANH]);
        let mut expired = b.clone();
        expired.id = 4;
        expired.to = lvl(Level::Department("SNV".into()));
        expired.valid_to = Some(d("2026-03-31"));
        let decisions = [to_wards, a, b, expired];
        let found: Vec<(String, i64, &'static str)> =
            gaps(&procedures, &units, d("2026-04-01"), &decisions)
                .into_iter()
                .map(|(code, unit, r)| {
                    let kind = match r {
                        Resolution::Gap { reason, .. } => reason.code(),
                        Resolution::Conflict { .. } => "conflict",
                        Resolution::Competent { .. } => "competent",
                    };
                    (code, unit, kind)
                })
                .collect();
        assert_eq!(
            found,
            vec![
                ("1.000894".to_string(), BEN_THANH, "conflict"),
                ("1.002755".to_string(), BINH_CHANH, "no_holder"),
            ]
        );
    }

    #[test]
    fn validation_names_each_problem() {
        let good = decentralise(
            1,
            "15/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Commune),
            &["1.000894"],
        );
        assert_eq!(validate(&good), Ok(()));
        let code = |f: &dyn Fn(&mut Decision)| {
            let mut x = good.clone();
            f(&mut x);
            validate(&x).map_err(|e| e.code()).err()
        };
        assert_eq!(
            code(&|x| x.instrument.number = " ".into()),
            Some("missing_instrument_number")
        );
        assert_eq!(
            code(&|x| x.instrument.signer = String::new()),
            Some("missing_signer")
        );
        assert_eq!(code(&|x| x.scope = Scope::default()), Some("empty_scope"));
        assert_eq!(
            code(&|x| x.scope.domains = vec!["".into()]),
            Some("blank_scope_entry")
        );
        assert_eq!(
            code(&|x| x.units = Units::List(vec![])),
            Some("empty_units")
        );
        assert_eq!(
            code(&|x| x.valid_to = Some(d("2026-03-14"))),
            Some("ends_before_start")
        );
        assert_eq!(code(&|x| x.valid_to = Some(d("2026-03-15"))), None);
        assert_eq!(
            code(&|x| x.valid_from = d("2026-02-28")),
            Some("effective_before_signed")
        );
        assert_eq!(code(&|x| x.to = lvl(Level::City)), Some("same_level"));
        assert_eq!(
            code(&|x| x.to = auth(Authority::CityChairman)),
            Some("same_level")
        );
        assert_eq!(
            code(&|x| x.to = lvl(Level::District)),
            Some("to_level_without_holder")
        );
        assert_eq!(
            code(&|x| {
                x.to = auth(deputy(SAI_GON, "Nguyễn Văn A"));
                x.units = Units::List(vec![SAI_GON]);
            }),
            Some("decentralisation_to_deputy")
        );
        assert_eq!(
            code(&|x| {
                x.kind = DecisionKind::Delegation;
                x.from = auth(Authority::UnitChairman(SAI_GON));
                x.to = lvl(Level::Commune);
                x.units = Units::List(vec![SAI_GON]);
            }),
            Some("self_delegation")
        );
        assert_eq!(
            code(&|x| {
                x.kind = DecisionKind::Delegation;
                x.from = auth(deputy(SAI_GON, "Nguyễn Văn A"));
                x.to = auth(deputy(SAI_GON, "Trần Thị B"));
                x.units = Units::List(vec![SAI_GON]);
            }),
            Some("subdelegation")
        );
        assert_eq!(
            code(&|x| {
                x.to = auth(Authority::UnitChairman(SAI_GON));
                x.units = Units::List(vec![SAI_GON, BEN_THANH]);
            }),
            Some("foreign_unit_authority")
        );
    }

    #[test]
    fn resolutions_round_trip_through_json() {
        let p = ket_hon_nuoc_ngoai();
        let mut dec = decentralise(
            1,
            "15/2026/QĐ-UBND",
            lvl(Level::City),
            lvl(Level::Commune),
            &["1.000894"],
        );
        dec.units = Units::List(vec![SAI_GON]);
        let json = serde_json::to_string(&dec).unwrap();
        assert_eq!(serde_json::from_str::<Decision>(&json).unwrap(), dec);
        let r = resolve(&p, SAI_GON, d("2026-04-01"), &[dec]);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["status"], "competent");
        assert_eq!(json["authority"]["unit_chairman"], SAI_GON);
        assert_eq!(json["basis"][1]["step"], "decision");
        assert_eq!(json["basis"][1]["instrument"]["signed"], "2026-03-01");
        assert_eq!(serde_json::from_value::<Resolution>(json).unwrap(), r);
    }

    fn arb_party() -> impl Strategy<Value = Party> {
        // Weighted towards the holders of the catalogue levels, so that chains form.
        prop_oneof![
            4 => Just(lvl(Level::Commune)),
            1 => Just(lvl(Level::District)),
            4 => Just(lvl(Level::City)),
            2 => Just(lvl(Level::Department("STP".into()))),
            1 => Just(auth(Authority::CityChairman)),
            1 => Just(auth(Authority::Department("SXD".into()))),
            2 => (1i64..=3).prop_map(|u| auth(Authority::UnitChairman(u))),
            2 => (
                1i64..=3,
                prop::sample::select(vec!["Nguyễn Văn A", "Trần Thị B"])
            )
                .prop_map(|(u, p)| auth(deputy(u, p))),
        ]
    }

    fn arb_level() -> impl Strategy<Value = Level> {
        prop_oneof![
            Just(Level::Commune),
            Just(Level::District),
            Just(Level::City),
            Just(Level::Department("STP".into())),
        ]
    }

    const CODES: [&str; 3] = ["1.001193", "1.000894", "1.002755"];
    const DOMAINS: [&str; 2] = ["Hộ tịch", "Văn hóa"];

    fn arb_decision() -> impl Strategy<Value = Decision> {
        (
            (1i64..=8, any::<bool>(), arb_party(), arb_party()),
            (
                prop::collection::vec(prop::sample::select(CODES.to_vec()), 1..3),
                prop::collection::vec(prop::sample::select(DOMAINS.to_vec()), 0..2),
                prop::option::of(prop::collection::vec(1i64..=3, 0..3)),
            ),
            (
                0i64..30,
                prop::option::of(-5i64..40),
                prop::option::of(0i64..40),
            ),
        )
            .prop_map(
                |((id, delegation, from, to), (codes, domains, units), (start, end, revoked))| {
                    let day = |n: i64| d("2026-01-01").saturating_add(jiff::Span::new().days(n));
                    Decision {
                        id,
                        kind: if delegation {
                            DecisionKind::Delegation
                        } else {
                            DecisionKind::Decentralisation
                        },
                        instrument: instrument(&format!("{id}/2026/QĐ-UBND"), "2026-01-01"),
                        from,
                        to,
                        scope: Scope {
                            procedures: codes.into_iter().map(String::from).collect(),
                            domains: domains.into_iter().map(String::from).collect(),
                        },
                        units: units.map_or(Units::All, Units::List),
                        valid_from: day(start),
                        valid_to: end.map(|e| day(start + e)),
                        revoked: revoked.map(day),
                    }
                },
            )
    }

    proptest! {
        // Most random cases resolve by catalogue alone; enough cases to exercise chains,
        // delegations and conflicts.
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn resolution_is_total_and_its_basis_is_in_force(
            level in arb_level(),
            code in 0usize..3,
            domain in 0usize..2,
            unit in 1i64..=3,
            day in 0i64..60,
            decisions in prop::collection::vec(arb_decision(), 0..10),
        ) {
            let p = proc(CODES[code], "Thủ tục", DOMAINS[domain], level);
            let date = d("2026-01-01").saturating_add(jiff::Span::new().days(day));
            let r = resolve(&p, unit, date, &decisions);
            if let Resolution::Competent { authority, signing, basis } = &r {
                let starts = matches!(basis.first(), Some(Step::Catalogue { .. }));
                prop_assert!(starts, "the basis starts with the catalogue");
                prop_assert!(basis.iter().skip(1).all(|s| s.decision().is_some()));
                for id in basis.iter().filter_map(Step::decision) {
                    prop_assert!(decisions.iter().any(|x| x.id == id && x.applies(&p, unit, date)));
                }
                prop_assert!(authority.unit().is_none_or(|u| u == unit));
                prop_assert!(signing.unit().is_none_or(|u| u == unit));
                let deputy = matches!(authority, Authority::UnitDeputy { .. });
                prop_assert!(!deputy, "a deputy never holds the power");
                prop_assert_eq!(basis.last().and_then(|s| s.to().authority()), Some(signing));
            }
            if let Resolution::Conflict { decisions: ids, .. } = &r {
                prop_assert!(ids.len() >= 2 || ids.iter().all(|id| decisions.iter().filter(|x| x.id == *id).count() >= 2));
                for id in ids {
                    prop_assert!(decisions.iter().any(|x| x.id == *id && x.applies(&p, unit, date)));
                }
            }
            let listed = gaps(std::slice::from_ref(&p), &[1, 2, 3], date, &decisions);
            let expected: Vec<(String, i64, Resolution)> = [1, 2, 3]
                .into_iter()
                .map(|u| (p.code.clone(), u, resolve(&p, u, date, &decisions)))
                .filter(|(_, _, r)| !r.is_competent())
                .collect();
            prop_assert_eq!(listed, expected);
        }
    }
}

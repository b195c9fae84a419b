//! Periodic reports, shared by the pages and the API: defining a template, opening each
//! period's obligations, drafting and submitting a unit's report (the workflow engine's
//! `report` kind), targets, and the summary across units against targets.

use crate::direction::{DirectionError, sla_of, today, visible_of_kind, work_scope};
use crate::state::AppState;
use dieuhanh_core::calendar::Calendar;
use dieuhanh_core::policy::{Principal, Role};
use dieuhanh_core::reporting::{
    self, FieldKind, FieldLineError, FieldSpec, FieldValue, Frequency, NumberSummary, Period,
    PeriodSystem, ValueProblem,
};
use dieuhanh_core::workflow::{REPORT, Relation, Sla};
use dieuhanh_store::reports::{self, NewTemplate, Obligation, Target, Template};
use dieuhanh_store::{Store, StoreError};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};

/// Working days after the cut-off within which a report is due, unless the template
/// says otherwise (spec §5 cites a provincial rule of 2 working days).
pub const DEFAULT_DUE_WORKING_DAYS: i64 = 2;

/// Who may define report templates: city leaders (for the city) and departments (for
/// their domain); the template belongs to the definer's unit.
pub fn may_define(principal: &Principal) -> bool {
    matches!(
        principal.role,
        Role::CityLeader | Role::DepartmentOfficer | Role::SystemAdmin
    )
}

/// What a new template asks.
#[derive(Debug, Clone, Default)]
pub struct TemplateInput {
    pub title: String,
    pub frequency: String,
    pub period_system: String,
    pub due_working_days: Option<i64>,
    pub fields: Vec<FieldSpec>,
    /// Unit codes, `all` for every communal unit, `departments` for every department.
    pub units: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DefineError {
    #[error(transparent)]
    Direction(#[from] DirectionError),
    #[error("the field list has problems")]
    Fields(Vec<FieldLineError>),
}

impl From<StoreError> for DefineError {
    fn from(e: StoreError) -> Self {
        DefineError::Direction(e.into())
    }
}

pub async fn define(
    state: &AppState,
    principal: &Principal,
    input: &TemplateInput,
) -> Result<i64, DefineError> {
    if !may_define(principal) {
        return Err(DirectionError::Forbidden.into());
    }
    let invalid = |code| DefineError::Direction(DirectionError::Invalid(code));
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 500 {
        return Err(invalid("invalid_title"));
    }
    let frequency = Frequency::parse(input.frequency.trim()).ok_or(invalid("invalid_frequency"))?;
    let system = match input.period_system.trim() {
        "" => PeriodSystem::CutOff,
        s => PeriodSystem::parse(s).ok_or(invalid("invalid_period_system"))?,
    };
    let due_days = input.due_working_days.unwrap_or(DEFAULT_DUE_WORKING_DAYS);
    if !(0..=60).contains(&due_days) {
        return Err(invalid("invalid_due_working_days"));
    }
    if input.fields.is_empty() {
        return Err(invalid("invalid_fields"));
    }
    let fields = reporting::check_fields(&input.fields).map_err(DefineError::Fields)?;
    let all = dieuhanh_store::units::all_current(&state.store).await?;
    let mut unit_ids: Vec<i64> = Vec::new();
    for code in input
        .units
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        match code {
            "all" => unit_ids.extend(all.iter().filter(|u| u.kind.is_communal()).map(|u| u.id)),
            "departments" => unit_ids.extend(
                all.iter()
                    .filter(|u| u.kind == dieuhanh_core::org::UnitKind::Department)
                    .map(|u| u.id),
            ),
            _ => {
                let unit = all
                    .iter()
                    .find(|u| u.code == code)
                    .filter(|u| u.parent_id.is_some())
                    .ok_or(invalid("invalid_units"))?;
                unit_ids.push(unit.id);
            }
        }
    }
    unit_ids.sort_unstable();
    unit_ids.dedup();
    unit_ids.retain(|u| *u != principal.unit_id);
    if unit_ids.is_empty() {
        return Err(invalid("invalid_units"));
    }
    let mut tx = state.store.begin().await?;
    let id = reports::create_template(
        &mut tx,
        &NewTemplate {
            unit_id: principal.unit_id,
            title,
            frequency,
            period_system: system,
            due_working_days: due_days,
            fields: &fields,
            unit_ids: &unit_ids,
            created_by: principal.user_id,
        },
    )
    .await?;
    tx.commit().await.map_err(DirectionError::from)?;
    let template = reports::template(&state.store, id).await?;
    open_current(&state.store, &state.calendar(), &template, today()).await?;
    Ok(id)
}

/// The day a report for `period` is due.
pub fn due_date(calendar: &Calendar, template: &Template, period: &Period) -> Option<Date> {
    let end = period.end()?;
    calendar
        .add_working_days(end, template.due_working_days as u32)
        .ok()
}

/// Opens the current period's obligations of one template (if the period has begun and
/// its deadline can be computed). Returns how many were opened.
pub async fn open_current(
    store: &Store,
    calendar: &Calendar,
    template: &Template,
    today: Date,
) -> Result<usize, StoreError> {
    let Some(period) = Period::containing(template.frequency, template.period_system, today) else {
        return Ok(0);
    };
    let Some(due) = due_date(calendar, template, &period) else {
        // The deadline falls in a year without a calendar notice: wait for it.
        return Ok(0);
    };
    let title = format!("{} · {}", template.title, period.label());
    let creator = template.created_by.ok_or_else(|| {
        StoreError::Corrupt(format!("report template {} has no author", template.id))
    })?;
    reports::open_period(
        store,
        template,
        &period.key(),
        &title,
        &due.to_string(),
        creator,
        REPORT.initial,
    )
    .await
}

/// One pass of the background job: every active template's current period is open.
pub async fn open_periods(
    store: &Store,
    calendar: &Calendar,
    today: Date,
) -> Result<usize, StoreError> {
    let mut opened = 0;
    for template in reports::templates(store, None).await? {
        if template.active && template.unit_count > 0 {
            opened += open_current(store, calendar, &template, today).await?;
        }
    }
    Ok(opened)
}

/// A template the principal may see, and whether they see every unit's reports on it
/// (its issuer and leaders with the whole city in scope) or only their own unit's.
pub async fn visible_template(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(Template, bool), DirectionError> {
    let scope = work_scope(principal)?;
    let template = reports::template(&state.store, id).await?;
    match scope {
        None => Ok((template, true)),
        Some(u) if u == template.unit_id => Ok((template, true)),
        Some(u) => {
            let units = reports::template_units(&state.store, id).await?;
            if units.contains(&u) {
                Ok((template, false))
            } else {
                Err(DirectionError::NotFound)
            }
        }
    }
}

pub async fn visible_templates(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<Template>, DirectionError> {
    let scope = work_scope(principal)?;
    Ok(reports::templates(&state.store, scope).await?)
}

/// A report obligation the principal may see (their unit's, or one they issued).
pub async fn visible_obligation(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(Obligation, Template), DirectionError> {
    visible_of_kind(state, principal, id, REPORT.kind).await?;
    let obligation = reports::obligation(&state.store, id).await?;
    let template = reports::template(&state.store, obligation.template_id).await?;
    Ok((obligation, template))
}

/// Values entered for a draft, with every problem by field.
pub async fn save_draft(
    state: &AppState,
    principal: &Principal,
    id: i64,
    entered: &BTreeMap<String, String>,
) -> Result<(), SaveError> {
    let (obligation, template) = visible_obligation(state, principal, id).await?;
    let item = &obligation.item;
    let relations = crate::direction::relations_to(principal, item);
    if !relations.contains(&Relation::OwnerOfficial) {
        return Err(DirectionError::Forbidden.into());
    }
    if item.state != REPORT.initial {
        return Err(DirectionError::Invalid("report_not_open").into());
    }
    let values = reporting::read_values(&template.fields, entered).map_err(SaveError::Values)?;
    let mut tx = state.store.begin().await.map_err(DirectionError::from)?;
    reports::save_values(&mut tx, item, &values, principal.user_id)
        .await
        .map_err(DirectionError::from)?;
    tx.commit().await.map_err(DirectionError::from)?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Direction(#[from] DirectionError),
    #[error("some values are not valid")]
    Values(Vec<(String, ValueProblem)>),
}

/// Fields a report still lacks before it can be submitted.
pub fn missing_fields(template: &Template, obligation: &Obligation) -> Vec<String> {
    reporting::missing(&template.fields, &obligation.values)
}

/// One unit's line in a period's summary.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UnitReport {
    pub report_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub old_province: Option<String>,
    pub state: String,
    /// `on_track`, `due_soon`, `overdue`, `done_on_time`, `done_late`; null when the
    /// calendar cannot tell.
    pub sla: Option<String>,
    pub due_date: String,
    pub submitted_on: Option<String>,
    /// Values as entered (numbers and texts); a draft's values are not counted in totals.
    #[schema(value_type = Object)]
    pub values: reporting::Values,
}

/// One field across the units that submitted.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FieldSummary {
    pub key: String,
    pub label: String,
    /// `number`, `text` or `choice`.
    pub kind: String,
    pub unit: Option<String>,
    #[schema(value_type = Object)]
    pub numbers: Option<NumberSummary>,
    /// Numbers by pre-merger province: (province, summary).
    #[schema(value_type = Vec<Object>)]
    pub by_old_province: Vec<(String, NumberSummary)>,
    /// Sum of the targets of units that have one for this field.
    pub target_total: Option<f64>,
    /// Actual (of those units) against their targets, in percent.
    pub attainment: Option<f64>,
    /// For a choice: how many units chose each option.
    #[schema(value_type = Vec<Object>)]
    pub choices: Vec<(String, usize)>,
    /// For a text: how many units wrote something.
    pub texts: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct PeriodCounts {
    pub units: usize,
    pub submitted_on_time: usize,
    pub submitted_late: usize,
    pub overdue: usize,
    pub open: usize,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub period: String,
    pub period_label: String,
    pub start: String,
    pub end: String,
    pub counts: PeriodCounts,
    pub fields: Vec<FieldSummary>,
    pub units: Vec<UnitReport>,
}

fn is_submitted(state: &str) -> bool {
    state != REPORT.initial
}

/// The summary of one period of a template across the units the principal may see of it.
pub async fn summary(
    state: &AppState,
    template: &Template,
    period_key: &str,
    only_unit: Option<i64>,
) -> Result<Summary, DirectionError> {
    let period = Period::parse(period_key, template.frequency, template.period_system)
        .ok_or(DirectionError::Invalid("invalid_period"))?;
    let mut obligations = reports::obligations(&state.store, template.id, &period.key()).await?;
    if let Some(u) = only_unit {
        obligations.retain(|o| o.item.unit_id == u);
    }
    let units: HashMap<i64, dieuhanh_store::units::Unit> =
        dieuhanh_store::units::all_current(&state.store)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    let targets: Vec<Target> = reports::targets(&state.store, template.id).await?;
    let mut counts = PeriodCounts {
        units: obligations.len(),
        ..PeriodCounts::default()
    };
    let mut rows = Vec::new();
    for o in &obligations {
        let sla = sla_of(state, &o.item);
        match sla {
            Some(Sla::DoneOnTime) => counts.submitted_on_time += 1,
            Some(Sla::DoneLate) => counts.submitted_late += 1,
            Some(Sla::Overdue) => counts.overdue += 1,
            _ => counts.open += 1,
        }
        rows.push(UnitReport {
            report_id: o.item.id,
            unit_code: o.item.unit_code.clone(),
            unit_name: o.item.unit_name.clone(),
            old_province: units
                .get(&o.item.unit_id)
                .and_then(|u| u.old_province.clone()),
            state: o.item.state.clone(),
            sla: sla.map(|s| s.as_str().to_string()),
            due_date: o.item.due_date.clone(),
            submitted_on: o.item.closed_on.clone(),
            values: o.values.clone(),
        });
    }
    // Red flags first (overdue, then due soon), then open, late, on time; by name within.
    let rank = |sla: Option<&str>| match sla {
        Some("overdue") => 0,
        Some("due_soon") => 1,
        Some("on_track") | None => 2,
        Some("done_late") => 3,
        _ => 4,
    };
    rows.sort_by_key(|r| rank(r.sla.as_deref()));
    let submitted: Vec<&Obligation> = obligations
        .iter()
        .filter(|o| is_submitted(&o.item.state))
        .collect();
    let fields = template
        .fields
        .iter()
        .map(|f| field_summary(f, &submitted, &units, &targets))
        .collect();
    Ok(Summary {
        period: period.key(),
        period_label: period.label(),
        start: period.start().map(|d| d.to_string()).unwrap_or_default(),
        end: period.end().map(|d| d.to_string()).unwrap_or_default(),
        counts,
        fields,
        units: rows,
    })
}

fn number(o: &Obligation, key: &str) -> Option<f64> {
    match o.values.get(key) {
        Some(FieldValue::Number(n)) => Some(*n),
        _ => None,
    }
}

fn text<'a>(o: &'a Obligation, key: &str) -> Option<&'a str> {
    match o.values.get(key) {
        Some(FieldValue::Text(t)) if !t.trim().is_empty() => Some(t),
        _ => None,
    }
}

fn field_summary(
    field: &FieldSpec,
    submitted: &[&Obligation],
    units: &HashMap<i64, dieuhanh_store::units::Unit>,
    targets: &[Target],
) -> FieldSummary {
    let mut out = FieldSummary {
        key: field.key.clone(),
        label: field.label.clone(),
        kind: String::new(),
        unit: None,
        numbers: None,
        by_old_province: Vec::new(),
        target_total: None,
        attainment: None,
        choices: Vec::new(),
        texts: 0,
    };
    match &field.kind {
        FieldKind::Number { unit } => {
            out.kind = "number".into();
            out.unit = Some(unit.clone());
            out.numbers = Some(reporting::summarise_numbers(
                submitted.iter().filter_map(|o| number(o, &field.key)),
            ));
            let mut by: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            for o in submitted {
                if let Some(n) = number(o, &field.key) {
                    let province = units
                        .get(&o.item.unit_id)
                        .and_then(|u| u.old_province.clone())
                        .unwrap_or_default();
                    by.entry(province).or_default().push(n);
                }
            }
            out.by_old_province = by
                .into_iter()
                .map(|(p, v)| (p, reporting::summarise_numbers(v)))
                .collect();
            let with_target: Vec<(f64, f64)> = targets
                .iter()
                .filter(|t| t.field_key == field.key)
                .filter_map(|t| {
                    let o = submitted.iter().find(|o| o.item.unit_id == t.unit_id)?;
                    Some((number(o, &field.key)?, t.target))
                })
                .collect();
            let all_targets: f64 = targets
                .iter()
                .filter(|t| t.field_key == field.key)
                .map(|t| t.target)
                .sum();
            if targets.iter().any(|t| t.field_key == field.key) {
                out.target_total = Some(all_targets);
                let (actual, target) = with_target
                    .iter()
                    .fold((0.0, 0.0), |(a, t), (x, y)| (a + x, t + y));
                out.attainment = reporting::attainment(actual, target);
            }
        }
        FieldKind::Text => {
            out.kind = "text".into();
            out.texts = submitted
                .iter()
                .filter(|o| text(o, &field.key).is_some())
                .count();
        }
        FieldKind::Choice { options } => {
            out.kind = "choice".into();
            out.choices = reporting::count_choices(
                options,
                submitted.iter().filter_map(|o| text(o, &field.key)),
            );
        }
    }
    out
}

/// One target as entered: where it came from (line or item number), the unit code, the
/// field key and the value (`None` when it is not a number).
pub struct TargetEntry {
    pub position: usize,
    pub unit: String,
    pub field: String,
    pub value: Option<f64>,
}

/// Reads targets entered one per line as `unit code | field key | value` (blank and `#`
/// lines skipped), every problem reported with its line.
pub async fn read_targets(
    state: &AppState,
    template: &Template,
    text: &str,
) -> Result<Vec<Target>, Vec<(usize, &'static str)>> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let [code, key, value] = parts[..] else {
            errors.push((i + 1, "shape"));
            continue;
        };
        entries.push(TargetEntry {
            position: i + 1,
            unit: code.to_string(),
            field: key.to_string(),
            value: reporting::parse_number(value),
        });
    }
    match check_targets(state, template, &entries).await {
        Ok(targets) if errors.is_empty() => Ok(targets),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort_unstable();
            Err(errors)
        }
    }
}

/// Checks entered targets against the template: a unit that must report, a number field,
/// a value that is a number and not negative; a later entry for the same unit and field
/// replaces an earlier one.
pub async fn check_targets(
    state: &AppState,
    template: &Template,
    entries: &[TargetEntry],
) -> Result<Vec<Target>, Vec<(usize, &'static str)>> {
    let required = reports::template_units(&state.store, template.id)
        .await
        .unwrap_or_default();
    let units: HashMap<String, i64> = dieuhanh_store::units::all_current(&state.store)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    let mut out: Vec<Target> = Vec::new();
    let mut errors = Vec::new();
    for e in entries {
        let Some(unit_id) = units.get(e.unit.as_str()).filter(|u| required.contains(u)) else {
            errors.push((e.position, "unknown_unit"));
            continue;
        };
        if !template
            .fields
            .iter()
            .any(|f| f.key == e.field && matches!(f.kind, FieldKind::Number { .. }))
        {
            errors.push((e.position, "unknown_field"));
            continue;
        }
        let Some(target) = e.value.filter(|v| *v >= 0.0 && v.is_finite()) else {
            errors.push((e.position, "not_a_number"));
            continue;
        };
        out.retain(|t| !(t.unit_id == *unit_id && t.field_key == e.field));
        out.push(Target {
            unit_id: *unit_id,
            field_key: e.field.clone(),
            target,
        });
    }
    if out.len() > 20_000 {
        errors.push((entries.len(), "shape"));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Only the issuing unit sets targets.
pub async fn set_targets(
    state: &AppState,
    principal: &Principal,
    template: &Template,
    targets: &[Target],
) -> Result<(), DirectionError> {
    if principal.unit_id != template.unit_id || !may_define(principal) {
        return Err(DirectionError::Forbidden);
    }
    let mut tx = state.store.begin().await?;
    reports::set_targets(&mut tx, template.id, targets, principal.user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The period to show by default among those that have reports (newest first): the
/// newest that has ended, else the newest.
pub fn default_period(template: &Template, periods: &[String]) -> Option<Period> {
    let today = today();
    let parsed: Vec<Period> = periods
        .iter()
        .filter_map(|k| Period::parse(k, template.frequency, template.period_system))
        .collect();
    parsed
        .iter()
        .find(|p| p.end().is_some_and(|e| e < today))
        .or(parsed.first())
        .copied()
        .or_else(|| Period::containing(template.frequency, template.period_system, today))
}

//! Periodic reports: the list of templates and of the unit's reports, defining a
//! template, a period's summary across units (with targets and an Excel export), and a
//! unit's report form (draft, submit; the issuer accepts or returns it).

use super::{PageError, PageForm, PagePath, PageQuery, render, respond, xlsx_response};
use crate::auth::PageCtx;
use crate::direction::{self as service, ActionInput, DirectionError};
use crate::i18n::Lang;
use crate::reports::{self, DefineError, SaveError, Summary, TemplateInput};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::paging::Page;
use dieuhanh_core::reporting::{
    FieldKind, FieldValue, Frequency, Period, PeriodSystem, format_fields, format_number,
    parse_fields,
};
use dieuhanh_core::time::format_civil_date;
use dieuhanh_core::workflow::{self, REPORT};
use dieuhanh_store::direction::{ItemQuery, WorkItem};
use dieuhanh_store::reports::Template as ReportTemplate;
use std::collections::BTreeMap;

fn number(ctx: &PageCtx, v: f64) -> String {
    format_number(v, ctx.lang == Lang::Vi)
}

/// "Tháng 11/2026", "Quý Q4/2026" …: the translated frequency before the period's name.
fn period_name(ctx: &PageCtx, p: &Period) -> String {
    format!(
        "{} {}",
        ctx.label("report_period", p.frequency.as_str()),
        p.label()
    )
}

pub struct TemplateRow {
    pub id: i64,
    pub title: String,
    pub issuer: String,
    pub frequency: String,
    pub system: String,
    pub units: i64,
    pub fields: usize,
}

fn template_row(ctx: &PageCtx, t: &ReportTemplate) -> TemplateRow {
    TemplateRow {
        id: t.id,
        title: t.title.clone(),
        issuer: t.unit_name.clone(),
        frequency: ctx.label("report_frequency", t.frequency.as_str()),
        system: ctx.label("report_system", t.period_system.as_str()),
        units: t.unit_count,
        fields: t.fields.len(),
    }
}

pub struct ReportRow {
    pub id: i64,
    pub title: String,
    pub unit: String,
    pub state: String,
    pub sla_class: String,
    pub sla_label: String,
    pub due: String,
    pub submitted: String,
}

fn report_row(state: &AppState, ctx: &PageCtx, w: &WorkItem) -> ReportRow {
    let sla = service::sla_of(state, w);
    ReportRow {
        id: w.id,
        title: w.title.clone(),
        unit: w.unit_name.clone(),
        state: ctx.label("report_state", &w.state),
        sla_class: sla.map(|s| s.as_str()).unwrap_or("").to_string(),
        sla_label: sla
            .map(|s| ctx.label("sla", s.as_str()))
            .unwrap_or_else(|| "—".into()),
        due: format_civil_date(&w.due_date),
        submitted: w
            .closed_on
            .as_deref()
            .map(format_civil_date)
            .unwrap_or_default(),
    }
}

/// What was typed into the definition form, shown again after an error.
#[derive(Default, serde::Deserialize)]
pub struct DefineForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    period_system: String,
    #[serde(default)]
    due_working_days: String,
    #[serde(default)]
    fields: String,
    #[serde(default)]
    units: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    templates: Vec<TemplateRow>,
    mine: Vec<ReportRow>,
    can_define: bool,
    frequencies: Vec<(String, String)>,
    systems: Vec<(String, String)>,
    form: DefineForm,
    default_due: i64,
    message: Option<String>,
    errors: Vec<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: DefineForm,
    message: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let scope = service::work_scope(&principal)?;
    let templates = reports::visible_templates(state, &principal).await?;
    // A unit's own reports, open ones first; city-wide leaders read them per template.
    let mine = match scope {
        Some(unit) => {
            let (items, _) = dieuhanh_store::direction::items(
                &state.store,
                &ItemQuery {
                    involving_unit: Some(unit),
                    directive_id: None,
                    open_only: false,
                    kind: Some("report"),
                },
                Page::new(Some(1), Some(100)).unwrap_or_default(),
            )
            .await?;
            let mut rows: Vec<(bool, String, ReportRow)> = items
                .iter()
                .filter(|w| w.unit_id == unit)
                .map(|w| {
                    (
                        w.closed_on.is_some(),
                        w.due_date.clone(),
                        report_row(state, ctx, w),
                    )
                })
                .collect();
            rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            rows.into_iter().map(|r| r.2).collect()
        }
        None => Vec::new(),
    };
    let page = ListPage {
        ctx,
        templates: templates.iter().map(|t| template_row(ctx, t)).collect(),
        mine,
        can_define: reports::may_define(&principal),
        frequencies: Frequency::ALL
            .iter()
            .map(|f| {
                (
                    f.as_str().to_string(),
                    ctx.label("report_frequency", f.as_str()),
                )
            })
            .collect(),
        systems: PeriodSystem::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    ctx.label("report_system", s.as_str()),
                )
            })
            .collect(),
        form,
        default_due: reports::DEFAULT_DUE_WORKING_DAYS,
        message,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx) -> Response {
    respond(
        &ctx,
        list_page(
            &state,
            &ctx,
            StatusCode::OK,
            DefineForm::default(),
            None,
            Vec::new(),
        )
        .await,
    )
}

pub async fn define(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<DefineForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        if !reports::may_define(&principal) {
            return Err(PageError::forbidden());
        }
        let fields = match parse_fields(&form.fields) {
            Ok(f) => f,
            Err(lines) => {
                let errors = lines
                    .iter()
                    .map(|e| {
                        ctx.t.fill(
                            "reports.line_error",
                            [
                                ("line", e.line.to_string().as_str()),
                                (
                                    "problem",
                                    ctx.label("reports.field_problem", e.problem.code())
                                        .as_str(),
                                ),
                            ],
                        )
                    })
                    .collect();
                return list_page(&state, &ctx, StatusCode::BAD_REQUEST, form, None, errors).await;
            }
        };
        let due = form.due_working_days.trim();
        let due_working_days = if due.is_empty() {
            None
        } else {
            // Out of range or not a number: the service's range check names the field.
            Some(due.parse::<i64>().unwrap_or(-1))
        };
        let input = TemplateInput {
            title: form.title.clone(),
            frequency: form.frequency.clone(),
            period_system: form.period_system.clone(),
            due_working_days,
            fields,
            units: form
                .units
                .split([',', ';', '\n', ' '])
                .map(str::to_string)
                .collect(),
        };
        match reports::define(&state, &principal, &input).await {
            Ok(id) => Ok(axum::response::IntoResponse::into_response(
                axum::response::Redirect::to(&format!("/reports/templates/{id}")),
            )),
            Err(DefineError::Direction(
                e @ (DirectionError::Forbidden | DirectionError::Store(_)),
            )) => Err(e.into()),
            Err(DefineError::Direction(e)) => {
                let message = ctx.t.get(e.message_key()).to_string();
                list_page(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    form,
                    None,
                    vec![message],
                )
                .await
            }
            Err(DefineError::Fields(_)) => {
                let message = ctx.t.get("reports.err.fields").to_string();
                list_page(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    form,
                    None,
                    vec![message],
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

/// A field's line in the summary, ready to show.
pub struct FieldLine {
    pub label: String,
    pub unit: String,
    pub kind: String,
    pub count: String,
    pub sum: String,
    pub mean: String,
    pub min: String,
    pub max: String,
    pub target: String,
    pub attainment: String,
    /// Choices ("Tốt: 12"), or provinces ("Bình Dương: 1.234") for numbers.
    pub breakdown: Vec<String>,
}

pub struct UnitLine {
    pub report_id: i64,
    pub unit: String,
    pub old_province: String,
    pub state: String,
    pub sla_class: String,
    pub sla_label: String,
    pub submitted: String,
    pub values: Vec<String>,
}

fn field_lines(ctx: &PageCtx, summary: &Summary) -> Vec<FieldLine> {
    let opt = |v: Option<f64>| v.map(|v| number(ctx, v)).unwrap_or_else(|| "—".into());
    summary
        .fields
        .iter()
        .map(|f| {
            let n = f.numbers.unwrap_or_default();
            let breakdown = if f.kind == "choice" {
                f.choices.iter().map(|(o, c)| format!("{o}: {c}")).collect()
            } else {
                f.by_old_province
                    .iter()
                    .map(|(p, s)| {
                        let name = if p.is_empty() { "—" } else { p.as_str() };
                        format!("{name}: {}", number(ctx, s.sum))
                    })
                    .collect()
            };
            FieldLine {
                label: f.label.clone(),
                unit: f.unit.clone().unwrap_or_default(),
                kind: ctx.label("report_field_kind", &f.kind),
                count: if f.kind == "number" {
                    n.count.to_string()
                } else if f.kind == "text" {
                    f.texts.to_string()
                } else {
                    f.choices.iter().map(|c| c.1).sum::<usize>().to_string()
                },
                sum: if f.kind == "number" {
                    number(ctx, n.sum)
                } else {
                    "—".into()
                },
                mean: opt(n.mean),
                min: opt(n.min),
                max: opt(n.max),
                target: opt(f.target_total),
                attainment: f
                    .attainment
                    .map(|a| format!("{}%", number(ctx, a.round())))
                    .unwrap_or_else(|| "—".into()),
                breakdown,
            }
        })
        .collect()
}

fn shown_value(ctx: &PageCtx, v: Option<&FieldValue>) -> String {
    match v {
        Some(FieldValue::Number(n)) => number(ctx, *n),
        Some(FieldValue::Text(t)) => t.clone(),
        None => String::new(),
    }
}

fn unit_lines(ctx: &PageCtx, template: &ReportTemplate, summary: &Summary) -> Vec<UnitLine> {
    summary
        .units
        .iter()
        .map(|u| UnitLine {
            report_id: u.report_id,
            unit: u.unit_name.clone(),
            old_province: u.old_province.clone().unwrap_or_default(),
            state: ctx.label("report_state", &u.state),
            sla_class: u.sla.clone().unwrap_or_default(),
            sla_label: u
                .sla
                .as_deref()
                .map(|s| ctx.label("sla", s))
                .unwrap_or_else(|| "—".into()),
            submitted: u
                .submitted_on
                .as_deref()
                .map(format_civil_date)
                .unwrap_or_default(),
            values: template
                .fields
                .iter()
                .map(|f| shown_value(ctx, u.values.get(&f.key)))
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "report_template.html")]
struct TemplatePage<'a> {
    ctx: &'a PageCtx,
    t: TemplateRow,
    due_days: i64,
    all_units: bool,
    period: String,
    period_title: String,
    span: String,
    periods: Vec<(String, String, bool)>,
    counts: reports::PeriodCounts,
    fields: Vec<FieldLine>,
    headers: Vec<String>,
    units: Vec<UnitLine>,
    field_text: String,
    can_set_targets: bool,
    targets_text: String,
    message: Option<String>,
    errors: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct PeriodParams {
    #[serde(default)]
    period: String,
}

/// The template, whether the principal sees all units, and the period asked for (or the
/// default one).
async fn template_and_period(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    asked: &str,
) -> Result<(ReportTemplate, bool, Period, Vec<String>), PageError> {
    let principal = ctx.require()?.principal();
    let (template, all_units) = reports::visible_template(state, &principal, id).await?;
    let periods = dieuhanh_store::reports::periods(&state.store, template.id).await?;
    let period = if asked.trim().is_empty() {
        reports::default_period(&template, &periods).ok_or_else(PageError::not_found)?
    } else {
        Period::parse(asked, template.frequency, template.period_system).ok_or(
            PageError::Status(StatusCode::BAD_REQUEST, "reports.err.period"),
        )?
    };
    Ok((template, all_units, period, periods))
}

#[allow(clippy::too_many_arguments)]
async fn template_page(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    asked: &str,
    status: StatusCode,
    targets_text: String,
    message: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let (template, all_units, period, periods) = template_and_period(state, ctx, id, asked).await?;
    let only = (!all_units).then_some(principal.unit_id);
    let summary = reports::summary(state, &template, &period.key(), only).await?;
    let periods = periods
        .iter()
        .filter_map(|k| Period::parse(k, template.frequency, template.period_system))
        .map(|p| (p.key(), period_name(ctx, &p), p == period))
        .collect();
    let page = TemplatePage {
        ctx,
        t: template_row(ctx, &template),
        due_days: template.due_working_days,
        all_units,
        period: period.key(),
        period_title: period_name(ctx, &period),
        span: format!(
            "{} – {}",
            format_civil_date(&summary.start),
            format_civil_date(&summary.end)
        ),
        periods,
        counts: summary.counts.clone(),
        fields: field_lines(ctx, &summary),
        headers: template
            .fields
            .iter()
            .map(|f| match &f.kind {
                FieldKind::Number { unit } => format!("{} ({unit})", f.label),
                _ => f.label.clone(),
            })
            .collect(),
        units: unit_lines(ctx, &template, &summary),
        field_text: format_fields(&template.fields),
        can_set_targets: principal.unit_id == template.unit_id && reports::may_define(&principal),
        targets_text,
        message,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn show_template(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageQuery(params): PageQuery<PeriodParams>,
) -> Response {
    respond(
        &ctx,
        template_page(
            &state,
            &ctx,
            id,
            &params.period,
            StatusCode::OK,
            String::new(),
            None,
            Vec::new(),
        )
        .await,
    )
}

#[derive(serde::Deserialize)]
pub struct TargetsForm {
    #[serde(default)]
    targets: String,
    #[serde(default)]
    period: String,
}

pub async fn set_targets(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<TargetsForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let (template, _) = reports::visible_template(&state, &principal, id).await?;
        if principal.unit_id != template.unit_id || !reports::may_define(&principal) {
            return Err(PageError::forbidden());
        }
        match reports::read_targets(&state, &template, &form.targets).await {
            Ok(targets) => {
                reports::set_targets(&state, &principal, &template, &targets).await?;
                let message = ctx.t.fill(
                    "reports.targets_saved",
                    [("n", targets.len().to_string().as_str())],
                );
                template_page(
                    &state,
                    &ctx,
                    id,
                    &form.period,
                    StatusCode::OK,
                    String::new(),
                    Some(message),
                    Vec::new(),
                )
                .await
            }
            Err(lines) => {
                let errors = lines
                    .iter()
                    .map(|(line, code)| {
                        ctx.t.fill(
                            "reports.line_error",
                            [
                                ("line", line.to_string().as_str()),
                                (
                                    "problem",
                                    ctx.label("reports.target_problem", code).as_str(),
                                ),
                            ],
                        )
                    })
                    .collect();
                template_page(
                    &state,
                    &ctx,
                    id,
                    &form.period,
                    StatusCode::BAD_REQUEST,
                    form.targets,
                    None,
                    errors,
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageQuery(params): PageQuery<PeriodParams>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let (template, all_units, period, _) =
            template_and_period(&state, &ctx, id, &params.period).await?;
        let only = (!all_units).then_some(principal.unit_id);
        let summary = reports::summary(&state, &template, &period.key(), only).await?;
        let bytes =
            workbook(&ctx, &template, &summary).map_err(|e| PageError::Internal(e.to_string()))?;
        Ok(xlsx_response(
            &format!("report-{}-{}.xlsx", template.id, period.key()),
            bytes,
        ))
    }
    .await;
    respond(&ctx, result)
}

/// Two sheets: every unit's values, then the totals by field.
fn workbook(
    ctx: &PageCtx,
    template: &ReportTemplate,
    summary: &Summary,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(ctx.t.get("reports.sheet_units"))?;
    let mut headers = vec![
        ctx.t.get("unit.code").to_string(),
        ctx.t.get("people.unit").to_string(),
        ctx.t.get("unit.old_province").to_string(),
        ctx.t.get("direction.state").to_string(),
        ctx.t.get("direction.sla").to_string(),
        ctx.t.get("reports.submitted_on").to_string(),
    ];
    let fixed = headers.len() as u16;
    headers.extend(template.fields.iter().map(|f| match &f.kind {
        FieldKind::Number { unit } => format!("{} ({unit})", f.label),
        _ => f.label.clone(),
    }));
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, h, &bold)?;
    }
    for (i, u) in summary.units.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &u.unit_code)?;
        sheet.write_string(row, 1, &u.unit_name)?;
        sheet.write_string(row, 2, u.old_province.as_deref().unwrap_or(""))?;
        sheet.write_string(row, 3, ctx.label("report_state", &u.state))?;
        sheet.write_string(
            row,
            4,
            u.sla
                .as_deref()
                .map(|s| ctx.label("sla", s))
                .unwrap_or_default(),
        )?;
        sheet.write_string(
            row,
            5,
            u.submitted_on
                .as_deref()
                .map(format_civil_date)
                .unwrap_or_default(),
        )?;
        for (j, f) in template.fields.iter().enumerate() {
            let col = fixed + j as u16;
            match u.values.get(&f.key) {
                Some(FieldValue::Number(n)) => {
                    sheet.write_number(row, col, *n)?;
                }
                Some(FieldValue::Text(t)) => {
                    sheet.write_string(row, col, t)?;
                }
                None => {}
            }
        }
    }
    let totals = book.add_worksheet();
    totals.set_name(ctx.t.get("reports.sheet_totals"))?;
    let heads = [
        "reports.field",
        "reports.unit_of_measure",
        "reports.count",
        "reports.sum",
        "reports.mean",
        "reports.min",
        "reports.max",
        "reports.target",
        "reports.attainment",
    ];
    for (col, key) in heads.iter().enumerate() {
        totals.write_string_with_format(0, col as u16, ctx.t.get(key), &bold)?;
    }
    for (i, f) in summary.fields.iter().enumerate() {
        let row = i as u32 + 1;
        totals.write_string(row, 0, &f.label)?;
        totals.write_string(row, 1, f.unit.as_deref().unwrap_or(""))?;
        if let Some(n) = f.numbers {
            totals.write_number(row, 2, n.count as f64)?;
            totals.write_number(row, 3, n.sum)?;
            for (col, v) in [(4, n.mean), (5, n.min), (6, n.max)] {
                if let Some(v) = v {
                    totals.write_number(row, col, v)?;
                }
            }
        }
        if let Some(t) = f.target_total {
            totals.write_number(row, 7, t)?;
        }
        if let Some(a) = f.attainment {
            totals.write_number(row, 8, (a * 10.0).round() / 10.0)?;
        }
    }
    book.save_to_buffer()
}

/// One field of a report form, with what is entered and any problem with it.
pub struct FieldInput {
    pub key: String,
    pub label: String,
    pub unit: String,
    /// `number`, `text` or `choice`.
    pub kind: String,
    pub value: String,
    pub options: Vec<String>,
    pub error: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    ctx: &'a PageCtx,
    r: ReportRow,
    template_id: i64,
    template_title: String,
    period_title: String,
    fields: Vec<FieldInput>,
    editable: bool,
    actions: Vec<(String, String)>,
    events: Vec<(String, String, String, String)>,
    message: Option<String>,
    error: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn report_page(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    status: StatusCode,
    entered: Option<&BTreeMap<String, String>>,
    field_errors: &[(String, String)],
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let (obligation, template) = reports::visible_obligation(state, &principal, id).await?;
    let item = &obligation.item;
    let relations = crate::direction::relations_to(&principal, item);
    let editable =
        item.state == REPORT.initial && relations.contains(&workflow::Relation::OwnerOfficial);
    let period = Period::parse(
        &obligation.period_key,
        template.frequency,
        template.period_system,
    );
    let fields = template
        .fields
        .iter()
        .map(|f| {
            let value = match entered.and_then(|e| e.get(&f.key)) {
                Some(v) => v.clone(),
                None => shown_value(ctx, obligation.values.get(&f.key)),
            };
            let (kind, unit, options) = match &f.kind {
                FieldKind::Number { unit } => ("number", unit.clone(), Vec::new()),
                FieldKind::Text => ("text", String::new(), Vec::new()),
                FieldKind::Choice { options } => ("choice", String::new(), options.clone()),
            };
            let error = field_errors
                .iter()
                .find(|(k, _)| *k == f.key)
                .map(|(_, e)| e.clone())
                .unwrap_or_default();
            FieldInput {
                key: f.key.clone(),
                label: f.label.clone(),
                unit,
                kind: kind.to_string(),
                value,
                options,
                error,
            }
        })
        .collect();
    let actions = REPORT
        .available(&item.state, &relations)
        .into_iter()
        .map(|a| (a.to_string(), ctx.label("report_action", a)))
        .collect();
    let events = super::direction::history(state, ctx, item.id, "report_action").await?;
    Ok(render(
        status,
        &ReportPage {
            ctx,
            r: report_row(state, ctx, item),
            template_id: template.id,
            template_title: template.title.clone(),
            period_title: period
                .map(|p| period_name(ctx, &p))
                .unwrap_or_else(|| obligation.period_key.clone()),
            fields,
            editable,
            actions,
            events,
            message,
            error,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
) -> Response {
    respond(
        &ctx,
        report_page(&state, &ctx, id, StatusCode::OK, None, &[], None, None).await,
    )
}

/// Saves the values typed (fields are named `f_<key>`), then submits when asked.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<BTreeMap<String, String>>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let entered: BTreeMap<String, String> = form
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("f_")?.to_string(), v.clone())))
            .collect();
        let submit = form.get("then").map(String::as_str) == Some("submit");
        match reports::save_draft(&state, &principal, id, &entered).await {
            Ok(()) => {}
            Err(SaveError::Direction(e)) => {
                let message = super::direction::form_message(&ctx, e)?;
                return report_page(
                    &state,
                    &ctx,
                    id,
                    StatusCode::BAD_REQUEST,
                    Some(&entered),
                    &[],
                    None,
                    Some(message),
                )
                .await;
            }
            Err(SaveError::Values(problems)) => {
                let errors: Vec<(String, String)> = problems
                    .iter()
                    .map(|(k, p)| (k.clone(), ctx.label("reports.value_problem", p.code())))
                    .collect();
                return report_page(
                    &state,
                    &ctx,
                    id,
                    StatusCode::BAD_REQUEST,
                    Some(&entered),
                    &errors,
                    None,
                    Some(ctx.t.get("reports.err.values").to_string()),
                )
                .await;
            }
        }
        if !submit {
            let message = ctx.t.get("reports.saved").to_string();
            return report_page(
                &state,
                &ctx,
                id,
                StatusCode::OK,
                None,
                &[],
                Some(message),
                None,
            )
            .await;
        }
        let input = ActionInput {
            action: "submit".into(),
            ..Default::default()
        };
        match service::act(&state, &principal, id, &input).await {
            Ok(()) => {
                let message = ctx.t.get("reports.submitted").to_string();
                report_page(
                    &state,
                    &ctx,
                    id,
                    StatusCode::OK,
                    None,
                    &[],
                    Some(message),
                    None,
                )
                .await
            }
            Err(e) => {
                let message = super::direction::form_message(&ctx, e)?;
                report_page(
                    &state,
                    &ctx,
                    id,
                    StatusCode::BAD_REQUEST,
                    None,
                    &[],
                    Some(ctx.t.get("reports.saved").to_string()),
                    Some(message),
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
}

pub async fn act(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ActForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        reports::visible_obligation(&state, &principal, id).await?;
        let input = ActionInput {
            action: form.action.clone(),
            note: form.note,
            ..Default::default()
        };
        match service::act(&state, &principal, id, &input).await {
            Ok(()) => {
                let message = ctx.t.fill(
                    "direction.done",
                    [("action", ctx.label("report_action", &form.action).as_str())],
                );
                report_page(
                    &state,
                    &ctx,
                    id,
                    StatusCode::OK,
                    None,
                    &[],
                    Some(message),
                    None,
                )
                .await
            }
            Err(
                e @ (DirectionError::NotFound
                | DirectionError::Forbidden
                | DirectionError::Store(_)),
            ) => Err(e.into()),
            Err(e) => {
                report_page(
                    &state,
                    &ctx,
                    id,
                    StatusCode::BAD_REQUEST,
                    None,
                    &[],
                    None,
                    Some(ctx.t.get(e.message_key()).to_string()),
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

//! Periodic reports over the API: templates, a period's summary across units, a unit's
//! report (values and actions) and targets.

use super::direction::{TaskDto, TaskEventDto, task_dto};
use super::extract::{Json, Query};
use crate::auth::ApiUser;
use crate::direction::{self as service, ActionInput, DirectionError};
use crate::error::ApiError;
use crate::reports::{self, DefineError, SaveError, Summary, TemplateInput};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dieuhanh_core::reporting::{FieldSpec, FieldValue};
use dieuhanh_core::workflow::REPORT;
use dieuhanh_store::reports::Template;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

impl From<DefineError> for ApiError {
    fn from(e: DefineError) -> Self {
        match e {
            DefineError::Direction(e) => e.into(),
            DefineError::Fields(lines) => {
                let detail: Vec<String> = lines
                    .iter()
                    .map(|l| format!("field {}: {}", l.line, l.problem.code()))
                    .collect();
                ApiError::bad_request("invalid_fields", detail.join("; "))
            }
        }
    }
}

impl From<SaveError> for ApiError {
    fn from(e: SaveError) -> Self {
        match e {
            SaveError::Direction(e) => e.into(),
            SaveError::Values(problems) => {
                let detail: Vec<String> = problems
                    .iter()
                    .map(|(k, p)| format!("{k}: {}", p.code()))
                    .collect();
                ApiError::bad_request("invalid_values", detail.join("; "))
            }
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TemplateDto {
    pub id: i64,
    pub title: String,
    /// The issuing unit.
    pub issuer: String,
    /// weekly, monthly, quarterly, six_month, nine_month or yearly.
    pub frequency: String,
    /// cut_off (15th to 14th, ND 09/2019) or calendar.
    pub period_system: String,
    pub due_working_days: i64,
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FieldSpec>,
    pub units: i64,
    /// Periods with reports, newest first (keys such as 2026-M11).
    pub periods: Vec<String>,
}

async fn template_dto(state: &AppState, t: Template) -> Result<TemplateDto, ApiError> {
    let periods = dieuhanh_store::reports::periods(&state.store, t.id).await?;
    Ok(TemplateDto {
        id: t.id,
        title: t.title,
        issuer: t.unit_name,
        frequency: t.frequency.as_str().to_string(),
        period_system: t.period_system.as_str().to_string(),
        due_working_days: t.due_working_days,
        fields: t.fields,
        units: t.unit_count,
        periods,
    })
}

#[utoipa::path(get, path = "/api/v1/report-templates", tag = "reports", security(("bearer" = [])),
    responses((status = 200, body = Vec<TemplateDto>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn templates(
    State(state): State<AppState>,
    caller: ApiUser,
) -> Result<axum::Json<Vec<TemplateDto>>, ApiError> {
    let found = reports::visible_templates(&state, &caller.principal()).await?;
    let mut out = Vec::with_capacity(found.len());
    for t in found {
        out.push(template_dto(&state, t).await?);
    }
    Ok(axum::Json(out))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTemplateRequest {
    pub title: String,
    pub frequency: String,
    /// cut_off (default) or calendar.
    pub period_system: Option<String>,
    /// Working days after the period's cut-off within which a report is due (default 2).
    pub due_working_days: Option<i64>,
    /// Each `{"key", "label", "type": "number", "unit"}`, `{"key", "label", "type":
    /// "text"}` or `{"key", "label", "type": "choice", "options": [...]}`.
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FieldSpec>,
    /// Unit codes, `all` (every ward, commune and special zone) or `departments`.
    pub units: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/report-templates", tag = "reports", request_body = NewTemplateRequest, security(("bearer" = [])),
    responses((status = 201, body = TemplateDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiUser,
    Json(req): Json<NewTemplateRequest>,
) -> Result<(StatusCode, axum::Json<TemplateDto>), ApiError> {
    let input = TemplateInput {
        title: req.title,
        frequency: req.frequency,
        period_system: req.period_system.unwrap_or_default(),
        due_working_days: req.due_working_days,
        fields: req.fields,
        units: req.units,
    };
    let id = reports::define(&state, &caller.principal(), &input).await?;
    let t = dieuhanh_store::reports::template(&state.store, id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(template_dto(&state, t).await?),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// A period key such as 2026-M11, 2026-Q4, 2026-W48, 2026-H1, 2026-9M or 2026-Y;
    /// the latest ended period with reports when absent.
    pub period: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/report-templates/{id}/summary", tag = "reports", params(("id" = i64, Path), PeriodParams), security(("bearer" = [])),
    responses((status = 200, body = Summary), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<PeriodParams>,
) -> Result<axum::Json<Summary>, ApiError> {
    let id = super::path_id(&id)?;
    let principal = caller.principal();
    let (template, all_units) = reports::visible_template(&state, &principal, id).await?;
    let key = match q.period.filter(|p| !p.trim().is_empty()) {
        Some(p) => p,
        None => {
            let periods = dieuhanh_store::reports::periods(&state.store, template.id).await?;
            reports::default_period(&template, &periods)
                .map(|p| p.key())
                .ok_or(DirectionError::Invalid("invalid_period"))?
        }
    };
    let only = (!all_units).then_some(principal.unit_id);
    Ok(axum::Json(
        reports::summary(&state, &template, &key, only).await?,
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportDto {
    #[serde(flatten)]
    pub item: TaskDto,
    pub template_id: i64,
    pub period: String,
    /// Numbers as numbers, texts and choices as strings.
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, FieldValue>,
    /// Fields still empty (a report is submitted only when none is).
    pub missing: Vec<String>,
    pub actions: Vec<String>,
    pub events: Vec<TaskEventDto>,
}

async fn report_dto(state: &AppState, caller: &ApiUser, id: i64) -> Result<ReportDto, ApiError> {
    let principal = caller.principal();
    let (o, template) = reports::visible_obligation(state, &principal, id).await?;
    let relations = crate::direction::relations_to(&principal, &o.item);
    let actions = REPORT
        .available(&o.item.state, &relations)
        .into_iter()
        .map(str::to_string)
        .collect();
    let missing = reports::missing_fields(&template, &o);
    let events = super::direction::events(state, id).await?;
    Ok(ReportDto {
        item: task_dto(state, o.item),
        template_id: o.template_id,
        period: o.period_key,
        values: o.values,
        missing,
        actions,
        events,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportListParams {
    /// Only reports not yet submitted.
    pub open: Option<bool>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ReportListParams), security(("bearer" = [])),
    responses((status = 200, body = super::List<TaskDto>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<ReportListParams>,
) -> Result<axum::Json<super::List<TaskDto>>, ApiError> {
    let page = super::PageParams {
        page: q.page,
        page_size: q.page_size,
    }
    .page()?;
    let scope = service::work_scope(&caller.principal())?;
    let query = dieuhanh_store::direction::ItemQuery {
        involving_unit: scope,
        directive_id: None,
        open_only: q.open.unwrap_or(false),
        kind: Some("report"),
    };
    let (found, total) = dieuhanh_store::direction::items(&state.store, &query, page).await?;
    Ok(axum::Json(super::List {
        items: found.into_iter().map(|w| task_dto(&state, w)).collect(),
        total,
        page: page.page,
        page_size: page.size,
    }))
}

#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ReportDto), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<ReportDto>, ApiError> {
    let id = super::path_id(&id)?;
    Ok(axum::Json(report_dto(&state, &caller, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValuesRequest {
    /// Field key to value; numbers may be JSON numbers or strings as documents write
    /// them ("1.234,5"). Replaces the draft's values.
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, serde_json::Value>,
}

#[utoipa::path(put, path = "/api/v1/reports/{id}/values", tag = "reports", params(("id" = i64, Path)), request_body = ValuesRequest, security(("bearer" = [])),
    responses((status = 200, body = ReportDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn put_values(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    Json(req): Json<ValuesRequest>,
) -> Result<axum::Json<ReportDto>, ApiError> {
    let id = super::path_id(&id)?;
    let mut entered = BTreeMap::new();
    for (k, v) in req.values {
        let text = match v {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => continue,
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_values",
                    format!("{k}: a value is a number or a string"),
                ));
            }
        };
        entered.insert(k, text);
    }
    reports::save_draft(&state, &caller.principal(), id, &entered).await?;
    Ok(axum::Json(report_dto(&state, &caller, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportActionRequest {
    /// submit (the unit's leader), accept or return (the issuer).
    pub action: String,
    /// The reason for returning.
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/actions", tag = "reports", params(("id" = i64, Path)), request_body = ReportActionRequest, security(("bearer" = [])),
    responses((status = 200, body = ReportDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    Json(req): Json<ReportActionRequest>,
) -> Result<axum::Json<ReportDto>, ApiError> {
    let id = super::path_id(&id)?;
    reports::visible_obligation(&state, &caller.principal(), id).await?;
    let input = ActionInput {
        action: req.action,
        note: req.note.unwrap_or_default(),
        ..Default::default()
    };
    service::act(&state, &caller.principal(), id, &input).await?;
    Ok(axum::Json(report_dto(&state, &caller, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRequest {
    pub unit: String,
    pub field: String,
    pub target: f64,
}

#[utoipa::path(put, path = "/api/v1/report-templates/{id}/targets", tag = "reports", params(("id" = i64, Path)), request_body = Vec<TargetRequest>, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn put_targets(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    Json(req): Json<Vec<TargetRequest>>,
) -> Result<StatusCode, ApiError> {
    let id = super::path_id(&id)?;
    let principal = caller.principal();
    let (template, _) = reports::visible_template(&state, &principal, id).await?;
    // The same checks as the page's lines; numbers arrive as numbers, not as text.
    let entries: Vec<reports::TargetEntry> = req
        .into_iter()
        .enumerate()
        .map(|(i, t)| reports::TargetEntry {
            position: i + 1,
            unit: t.unit,
            field: t.field,
            value: Some(t.target),
        })
        .collect();
    let targets = reports::check_targets(&state, &template, &entries)
        .await
        .map_err(|errors| {
            let detail: Vec<String> = errors
                .iter()
                .map(|(item, code)| format!("item {item}: {code}"))
                .collect();
            ApiError::bad_request("invalid_targets", detail.join("; "))
        })?;
    reports::set_targets(&state, &principal, &template, &targets).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! Public services in the JSON API: the procedure catalogue and the public lookup (no
//! sign-in, no personal data), counter intake and the dossier's actions for officers,
//! and the 766 ranking with the figures behind every point.

use super::direction::TaskEventDto;
use super::extract::{Json, Query};
use crate::auth::ApiUser;
use crate::dossiers::{self as service, Applicant, DossierAction, Filer, Filing};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dieuhanh_core::time::format_rfc3339;
use dieuhanh_core::workflow::DOSSIER;
use dieuhanh_store::dossiers::{Dossier, DossierQuery};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentDto {
    pub name: String,
    pub required: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProcedureDto {
    pub code: String,
    pub name: String,
    pub domain: String,
    /// `commune`, `city`, `district` or `department:CODE`.
    pub level: String,
    pub term_value: u32,
    /// `same_day`, `working_days`, `days`, `hours` or `months`.
    pub term_unit: String,
    pub term_note: String,
    pub fee_vnd: i64,
    pub fee_note: String,
    pub documents: Vec<DocumentDto>,
    pub steps: Vec<String>,
    /// `full`, `partial` or `none`.
    pub online_level: String,
    pub legal_basis: String,
    pub source: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

fn procedure_dto(p: dieuhanh_store::procedures::Procedure) -> ProcedureDto {
    ProcedureDto {
        code: p.code,
        name: p.name,
        domain: p.domain,
        level: p.level,
        term_value: p.term.value,
        term_unit: p.term.unit.as_str().to_string(),
        term_note: p.term_note,
        fee_vnd: p.fee_vnd,
        fee_note: p.fee_note,
        documents: p
            .documents
            .into_iter()
            .map(|d| DocumentDto {
                name: d.name,
                required: d.required,
            })
            .collect(),
        steps: p.steps,
        online_level: p.online_level,
        legal_basis: p.legal_basis,
        source: p.source,
        valid_from: p.valid_from,
        valid_to: p.valid_to,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcedureParams {
    /// Words to find in the name, field or code, with or without diacritics.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/procedures", tag = "public services", params(ProcedureParams),
    responses((status = 200, body = Vec<ProcedureDto>)))]
pub async fn procedures(
    State(state): State<AppState>,
    Query(q): Query<ProcedureParams>,
) -> Result<axum::Json<Vec<ProcedureDto>>, ApiError> {
    let text: String = q.q.unwrap_or_default().chars().take(100).collect();
    let found = dieuhanh_store::procedures::search(&state.store, &text).await?;
    Ok(axum::Json(found.into_iter().map(procedure_dto).collect()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicDossierDto {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// The handling unit.
    pub unit: String,
    pub state: String,
    pub submitted_at: String,
    pub received_at: Option<String>,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (Vietnam time).
    pub appointment: Option<String>,
    pub finished_at: Option<String>,
    pub returned_at: Option<String>,
    pub fee_vnd: i64,
    pub fee_status: String,
    pub rated: bool,
    /// (action, RFC 3339 instant) of each step.
    pub steps: Vec<(String, String)>,
}

fn appointment_text(a: Option<dieuhanh_core::dossier::Appointment>) -> Option<String> {
    a.and_then(|a| serde_json::to_value(a).ok())
        .and_then(|v| v.as_str().map(str::to_string))
}

#[utoipa::path(get, path = "/api/v1/dossiers/lookup/{code}", tag = "public services", params(("code" = String, Path)),
    responses((status = 200, body = PublicDossierDto), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn lookup(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<axum::Json<PublicDossierDto>, ApiError> {
    let (p, _) = service::lookup(&state, &code).await?;
    Ok(axum::Json(PublicDossierDto {
        code: p.code,
        procedure_code: p.procedure_code,
        procedure_name: p.procedure_name,
        unit: p.unit_name,
        state: p.state,
        submitted_at: format_rfc3339(p.submitted_at_us),
        received_at: p.received_at_us.map(format_rfc3339),
        appointment: appointment_text(p.appointment),
        finished_at: p.finished_at_us.map(format_rfc3339),
        returned_at: p.returned_at_us.map(format_rfc3339),
        fee_vnd: p.fee_vnd,
        fee_status: p.fee_status,
        rated: p.rated,
        steps: p
            .steps
            .into_iter()
            .map(|(a, at)| (a, format_rfc3339(at)))
            .collect(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantRequest {
    pub name: String,
    /// 12-digit personal identity number, or a 10/13-digit tax code.
    pub identity: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    pub procedure: String,
    pub applicant: ApplicantRequest,
    /// Indexes (from 0) of the procedure's documents handed in at the counter.
    #[serde(default)]
    pub documents_handed_in: Vec<usize>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IntakeResponse {
    pub id: i64,
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/dossiers", tag = "public services", request_body = IntakeRequest, security(("bearer" = [])),
    responses((status = 201, body = IntakeResponse), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiUser,
    Json(req): Json<IntakeRequest>,
) -> Result<(StatusCode, axum::Json<IntakeResponse>), ApiError> {
    let principal = caller.principal();
    let filing = Filing {
        procedure_code: req.procedure,
        unit_code: String::new(),
        applicant: Applicant {
            name: req.applicant.name,
            identity: req.applicant.identity,
            phone: req.applicant.phone.unwrap_or_default(),
            email: req.applicant.email.unwrap_or_default(),
        },
        documents_handed_in: req.documents_handed_in,
    };
    let (id, code) = service::file(&state, Filer::Counter(&principal), &filing, Vec::new()).await?;
    Ok((StatusCode::CREATED, axum::Json(IntakeResponse { id, code })))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DossierDto {
    pub id: i64,
    pub code: String,
    pub unit: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub state: String,
    pub channel: String,
    pub assignee: Option<String>,
    pub submitted_at: String,
    pub received_at: Option<String>,
    /// The appointment on the receipt slip.
    pub appointment: Option<String>,
    pub finished_at: Option<String>,
    pub outcome: String,
    pub fee_vnd: i64,
    pub fee_status: String,
    pub rating: String,
}

fn dossier_dto(d: Dossier) -> DossierDto {
    DossierDto {
        id: d.item_id,
        code: d.code,
        unit: d.unit_name,
        procedure_code: d.procedure_code,
        procedure_name: d.procedure_name,
        state: d.state,
        channel: d.channel,
        assignee: d.assignee_name,
        submitted_at: format_rfc3339(d.submitted_at_us),
        received_at: d.received_at_us.map(format_rfc3339),
        appointment: appointment_text(d.appointment),
        finished_at: d.finished_at_us.map(format_rfc3339),
        outcome: d.outcome,
        fee_vnd: d.fee_vnd,
        fee_status: d.fee_status,
        rating: d.rating,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DossierParams {
    /// Only open dossiers.
    pub open: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/dossiers", tag = "public services", params(DossierParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<DossierDto>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<DossierParams>,
) -> Result<axum::Json<Vec<DossierDto>>, ApiError> {
    let scope = crate::direction::work_scope(&caller.principal())?;
    let found = dieuhanh_store::dossiers::list(
        &state.store,
        &DossierQuery {
            unit_id: scope,
            applicant_user_id: None,
            open_only: q.open.unwrap_or(false),
            limit: 1000,
        },
    )
    .await?;
    Ok(axum::Json(found.into_iter().map(dossier_dto).collect()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DossierDetail {
    pub dossier: DossierDto,
    /// The applicant's name and masked identity number (the full number is read on the
    /// page, audited).
    pub applicant_name: String,
    pub applicant_identity_masked: String,
    pub events: Vec<TaskEventDto>,
    pub actions: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "public services", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DossierDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<DossierDetail>, ApiError> {
    let id = super::path_id(&id)?;
    let (d, relations) = service::visible(&state, &caller.principal(), id).await?;
    // The applicant's details go to those who handle the dossier (or the applicant).
    let applicant = if relations.is_empty() {
        service::Applicant::default()
    } else {
        service::applicant(&state, &d).unwrap_or_default()
    };
    let actions = DOSSIER
        .available(&d.state, &relations)
        .into_iter()
        .map(str::to_string)
        .collect();
    let events = super::direction::events(&state, id).await?;
    Ok(axum::Json(DossierDetail {
        dossier: dossier_dto(d),
        applicant_name: applicant.name,
        applicant_identity_masked: service::mask_identity(&applicant.identity),
        events,
        actions,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DossierActionRequest {
    /// receive, assign, start, request_supplement, supplement, extend, approve, refuse,
    /// return_result or withdraw.
    pub action: String,
    /// The reason, the complete list of what to supplement, or the result's note.
    pub note: Option<String>,
    pub assignee: Option<String>,
    /// For `extend`: the new appointment (YYYY-MM-DD or dd/mm/yyyy), a working day.
    pub new_date: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/dossiers/{id}/actions", tag = "public services", params(("id" = i64, Path)),
    request_body = DossierActionRequest, security(("bearer" = [])),
    responses((status = 200, body = DossierDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    Json(req): Json<DossierActionRequest>,
) -> Result<axum::Json<DossierDto>, ApiError> {
    let id = super::path_id(&id)?;
    let input = DossierAction {
        action: req.action,
        note: req.note.unwrap_or_default(),
        assignee: req.assignee.unwrap_or_default(),
        new_date: req.new_date.unwrap_or_default(),
    };
    service::act(&state, &caller.principal(), id, &input).await?;
    let d = dieuhanh_store::dossiers::get(&state.store, id).await?;
    Ok(axum::Json(dossier_dto(d)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IndicatorDto {
    pub code: String,
    pub name: String,
    /// `platform` or `external`.
    pub source: String,
    pub status: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub ratio: Option<f64>,
    pub points: Option<f64>,
    pub max_points: f64,
    /// Where an entered figure came from.
    pub entered_source: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitIndexDto {
    pub unit_code: String,
    pub unit_name: String,
    pub rank: u32,
    /// Out of 100, two decimals.
    pub total: f64,
    /// The points the indicators with data could give.
    pub attainable: f64,
    pub received: u64,
    pub early: u64,
    pub on_time: u64,
    pub late: u64,
    pub pending_within: u64,
    pub pending_overdue: u64,
    pub indicators: Vec<IndicatorDto>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndexParams {
    /// `2026-Q3`, `2026-M11` or `2026-Y`; default: the current quarter.
    pub period: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/index766", tag = "public services", params(IndexParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<UnitIndexDto>), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn index766(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<IndexParams>,
) -> Result<axum::Json<Vec<UnitIndexDto>>, ApiError> {
    if !caller.principal().role.is_official() {
        return Err(crate::direction::DirectionError::Forbidden.into());
    }
    let period = crate::statistics::requested_period(q.period.as_deref())
        .ok_or(crate::direction::DirectionError::Invalid("invalid_period"))?;
    let lines = crate::statistics::compute(&state, &period).await?;
    let r2 = dieuhanh_core::index766::round2;
    Ok(axum::Json(
        lines
            .into_iter()
            .map(|l| UnitIndexDto {
                unit_code: l.unit_code,
                unit_name: l.unit_name,
                rank: l.rank,
                total: r2(l.score.total),
                attainable: l.score.attainable,
                received: l.counts.received,
                early: l.counts.early,
                on_time: l.counts.on_time,
                late: l.counts.late,
                pending_within: l.counts.pending_within,
                pending_overdue: l.counts.pending_overdue,
                indicators: l
                    .score
                    .indicators
                    .iter()
                    .map(|s| {
                        let (n, d) = match s.figures {
                            Some(dieuhanh_core::index766::Figures::Ratio(c)) => {
                                (Some(c.numerator()), Some(c.denominator()))
                            }
                            _ => (None, None),
                        };
                        IndicatorDto {
                            code: s.indicator.code.to_string(),
                            name: s.indicator.name_vi.to_string(),
                            source: s.indicator.source.as_str().to_string(),
                            status: s.status.as_str().to_string(),
                            numerator: n,
                            denominator: d,
                            ratio: s.ratio,
                            points: s.points.map(r2),
                            max_points: s.max_points,
                            entered_source: s.source.clone(),
                        }
                    })
                    .collect(),
            })
            .collect(),
    ))
}

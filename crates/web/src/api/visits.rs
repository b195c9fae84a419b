//! Field visits over the API.

use super::extract::{Json, Query};
use crate::auth::ApiUser;
use crate::direction::work_scope;
use crate::error::ApiError;
use crate::state::AppState;
use crate::visits::{self as service, VisitInput};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct VisitDto {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub leader: String,
    /// `YYYY-MM-DD`.
    pub visit_date: String,
    pub findings: String,
    /// The follow-up task created with the visit, if any.
    pub follow_up_task: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitParams {
    /// Only visits to this unit (code).
    pub unit: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VisitList {
    pub items: Vec<VisitDto>,
    pub total: i64,
}

#[utoipa::path(get, path = "/api/v1/visits", tag = "direction", params(VisitParams), security(("bearer" = [])),
    responses((status = 200, body = VisitList), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<VisitParams>,
) -> Result<axum::Json<VisitList>, ApiError> {
    let scope = work_scope(&caller.principal())?;
    let unit = match q.unit.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => Some(dieuhanh_store::units::by_code(&state.store, code).await?.id),
        None => None,
    };
    // A unit's officials see the visits to their own unit; city leaders see all.
    let unit = match (scope, unit) {
        (None, u) => u,
        (Some(own), Some(u)) if u == own => Some(u),
        (Some(_), Some(_)) => return Err(ApiError::not_found("no such record")),
        (Some(own), None) => Some(own),
    };
    let items: Vec<VisitDto> = dieuhanh_store::visits::visits(&state.store, unit, 500)
        .await?
        .into_iter()
        .map(|v| VisitDto {
            id: v.id,
            unit_code: v.unit_code,
            unit_name: v.unit_name,
            leader: v.leader_name,
            visit_date: v.visit_date,
            findings: v.findings,
            follow_up_task: v.follow_up_item_id,
        })
        .collect();
    Ok(axum::Json(VisitList {
        total: items.len() as i64,
        items,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVisitRequest {
    /// Unit code.
    pub unit: String,
    /// Date of the visit (not in the future).
    pub visit_date: String,
    pub findings: String,
    /// A follow-up task for the unit.
    pub follow_up: Option<String>,
    /// Its deadline.
    pub follow_up_due: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VisitCreated {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/visits", tag = "direction", request_body = NewVisitRequest, security(("bearer" = [])),
    responses((status = 201, body = VisitCreated), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiUser,
    Json(req): Json<NewVisitRequest>,
) -> Result<(StatusCode, axum::Json<VisitCreated>), ApiError> {
    let input = VisitInput {
        unit: req.unit,
        visit_date: req.visit_date,
        findings: req.findings,
        follow_up: req.follow_up.unwrap_or_default(),
        follow_up_due: req.follow_up_due.unwrap_or_default(),
    };
    let id = service::log(&state, &caller.principal(), &input).await?;
    Ok((StatusCode::CREATED, axum::Json(VisitCreated { id })))
}

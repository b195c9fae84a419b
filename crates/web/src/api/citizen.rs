//! Citizen reports for the officers who handle them: the unit's list, one report with the
//! reporter's contact (to the handling unit only, and the reading is audited), actions.

use super::direction::{TaskDto, TaskEventDto, task_dto};
use super::extract::{Json, Query};
use crate::auth::ApiUser;
use crate::direction::{self as service, ActionInput};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use dieuhanh_core::workflow::CITIZEN_REPORT;
use dieuhanh_store::direction::{self, ItemQuery};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct CitizenReportDto {
    #[serde(flatten)]
    pub item: TaskDto,
    pub public_id: String,
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub address: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
    pub status_notes: String,
}

async fn dto(
    state: &AppState,
    item: dieuhanh_store::direction::WorkItem,
) -> Result<CitizenReportDto, ApiError> {
    let r = dieuhanh_store::citizen::by_item(&state.store, item.id).await?;
    Ok(dto_of(state, item, r))
}

fn dto_of(
    state: &AppState,
    item: dieuhanh_store::direction::WorkItem,
    r: dieuhanh_store::citizen::PublicReport,
) -> CitizenReportDto {
    CitizenReportDto {
        item: task_dto(state, item),
        public_id: r.public_id,
        service_code: r.service_code,
        service_name: r.service_name,
        description: r.description,
        address: r.address,
        lat: r.lat,
        long: r.lon,
        media_url: Some(r.media_url).filter(|m| !m.is_empty()),
        status_notes: r.status_notes,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only open reports.
    pub open: Option<bool>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/citizen-reports", tag = "citizen reports", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = super::List<CitizenReportDto>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<ListParams>,
) -> Result<axum::Json<super::List<CitizenReportDto>>, ApiError> {
    let page = super::PageParams {
        page: q.page,
        page_size: q.page_size,
    }
    .page()?;
    let scope = service::work_scope(&caller.principal())?;
    let query = ItemQuery {
        involving_unit: scope,
        directive_id: None,
        open_only: q.open.unwrap_or(false),
        kind: Some(CITIZEN_REPORT.kind),
    };
    let (found, total) = direction::items(&state.store, &query, page).await?;
    let ids: Vec<i64> = found.iter().map(|w| w.id).collect();
    let mut reports = dieuhanh_store::citizen::by_items(&state.store, &ids).await?;
    let mut items = Vec::with_capacity(found.len());
    for item in found {
        let r = reports
            .remove(&item.id)
            .ok_or(dieuhanh_store::StoreError::NotFound)?;
        items.push(dto_of(&state, item, r));
    }
    Ok(axum::Json(super::List {
        items,
        total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CitizenReportDetail {
    pub report: CitizenReportDto,
    pub events: Vec<TaskEventDto>,
    pub actions: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/citizen-reports/{id}", tag = "citizen reports", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = CitizenReportDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<CitizenReportDetail>, ApiError> {
    let id = super::path_id(&id)?;
    let principal = caller.principal();
    let item = service::visible_of_kind(&state, &principal, id, CITIZEN_REPORT.kind).await?;
    let relations = crate::direction::relations_to(&principal, &item);
    let actions = CITIZEN_REPORT
        .available(&item.state, &relations)
        .into_iter()
        .map(str::to_string)
        .collect();
    let events = super::direction::events(&state, item.id).await?;
    Ok(axum::Json(CitizenReportDetail {
        report: dto(&state, item).await?,
        events,
        actions,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// acknowledge, transfer, assign, start, resolve, reject or reopen.
    pub action: String,
    /// The public note of a resolution, rejection or reopening.
    pub note: Option<String>,
    /// Username of the official to assign.
    pub assignee: Option<String>,
    /// Code of the unit to transfer the report to (action `transfer`).
    pub unit: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/citizen-reports/{id}/actions", tag = "citizen reports", params(("id" = i64, Path)),
    request_body = ActionRequest, security(("bearer" = [])),
    responses((status = 200, body = CitizenReportDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    Json(req): Json<ActionRequest>,
) -> Result<axum::Json<CitizenReportDto>, ApiError> {
    let id = super::path_id(&id)?;
    service::visible_of_kind(&state, &caller.principal(), id, CITIZEN_REPORT.kind).await?;
    let input = ActionInput {
        action: req.action,
        note: req.note.unwrap_or_default(),
        assignee: req.assignee.unwrap_or_default(),
        unit: req.unit.unwrap_or_default(),
        ..Default::default()
    };
    service::act(&state, &caller.principal(), id, &input).await?;
    let item = direction::item(&state.store, id).await?;
    Ok(axum::Json(dto(&state, item).await?))
}

//! Obstacles and requests over the API.

use super::direction::{TaskDto, TaskEventDto, task_dto};
use super::extract::{Json, Query};
use super::{List, PageParams};
use crate::auth::ApiUser;
use crate::direction::{self as service, ActionInput};
use crate::error::ApiError;
use crate::obstacles::{self, ObstacleInput};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dieuhanh_core::workflow::OBSTACLE;
use dieuhanh_store::direction::{self, ItemQuery};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct RouteDto {
    pub domain: String,
    pub department_code: String,
    pub department_name: String,
}

#[utoipa::path(get, path = "/api/v1/obstacles/domains", tag = "obstacles", security(("bearer" = [])),
    responses((status = 200, body = Vec<RouteDto>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn domains(
    State(state): State<AppState>,
    _caller: ApiUser,
) -> Result<axum::Json<Vec<RouteDto>>, ApiError> {
    let routes = dieuhanh_store::obstacles::routes(&state.store).await?;
    Ok(axum::Json(
        routes
            .into_iter()
            .map(|r| RouteDto {
                domain: r.domain,
                department_code: r.unit_code,
                department_name: r.unit_name,
            })
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewObstacleRequest {
    /// A domain from GET /api/v1/obstacles/domains; empty or absent for "other" (goes to
    /// the coordinating office and is listed as a gap).
    pub domain: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The task this obstacle stands in the way of (one the raising unit leads or
    /// co-operates on).
    pub task_id: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ObstacleDto {
    #[serde(flatten)]
    pub item: TaskDto,
    pub domain: String,
    /// Whether a route matched the domain.
    pub routed: bool,
    pub answer: String,
    /// The related task, if any.
    pub task_id: Option<i64>,
}

async fn obstacle_dto(
    state: &AppState,
    item: dieuhanh_store::direction::WorkItem,
) -> Result<ObstacleDto, ApiError> {
    let d = dieuhanh_store::obstacles::details(&state.store, item.id).await?;
    Ok(ObstacleDto {
        item: task_dto(state, item),
        domain: d.domain,
        routed: d.routed,
        answer: d.answer,
        task_id: d.task_id,
    })
}

#[utoipa::path(post, path = "/api/v1/obstacles", tag = "obstacles", request_body = NewObstacleRequest, security(("bearer" = [])),
    responses((status = 201, body = ObstacleDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiUser,
    Json(req): Json<NewObstacleRequest>,
) -> Result<(StatusCode, axum::Json<ObstacleDto>), ApiError> {
    let input = ObstacleInput {
        domain: req.domain.unwrap_or_default(),
        title: req.title,
        description: req.description,
        task_id: req.task_id,
    };
    let id = obstacles::raise(&state, &caller.principal(), &input).await?;
    let item = direction::item(&state.store, id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(obstacle_dto(&state, item).await?),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObstacleParams {
    /// Only open obstacles.
    pub open: Option<bool>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/obstacles", tag = "obstacles", params(ObstacleParams), security(("bearer" = [])),
    responses((status = 200, body = List<ObstacleDto>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<ObstacleParams>,
) -> Result<axum::Json<List<ObstacleDto>>, ApiError> {
    let page = PageParams {
        page: q.page,
        page_size: q.page_size,
    }
    .page()?;
    let scope = service::work_scope(&caller.principal())?;
    let query = ItemQuery {
        involving_unit: scope,
        directive_id: None,
        open_only: q.open.unwrap_or(false),
        kind: Some("obstacle"),
    };
    let (found, total) = direction::items(&state.store, &query, page).await?;
    let mut items = Vec::with_capacity(found.len());
    for item in found {
        items.push(obstacle_dto(&state, item).await?);
    }
    Ok(axum::Json(List {
        items,
        total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ObstacleDetail {
    pub obstacle: ObstacleDto,
    /// Visible to the units involved.
    pub description: String,
    pub events: Vec<TaskEventDto>,
    pub actions: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/obstacles/{id}", tag = "obstacles", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ObstacleDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<ObstacleDetail>, ApiError> {
    let id = super::path_id(&id)?;
    let principal = caller.principal();
    let item = service::visible_of_kind(&state, &principal, id, OBSTACLE.kind).await?;
    let relations = crate::direction::relations_to(&principal, &item);
    let actions = OBSTACLE
        .available(&item.state, &relations)
        .into_iter()
        .map(str::to_string)
        .collect();
    let description = dieuhanh_store::obstacles::details(&state.store, item.id)
        .await?
        .description;
    let events = super::direction::events(&state, item.id).await?;
    Ok(axum::Json(ObstacleDetail {
        obstacle: obstacle_dto(&state, item).await?,
        description,
        events,
        actions,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObstacleActionRequest {
    /// answer, accept, reopen or withdraw.
    pub action: String,
    /// The answer, or the reason for reopening or withdrawing.
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/obstacles/{id}/actions", tag = "obstacles", params(("id" = i64, Path)),
    request_body = ObstacleActionRequest, security(("bearer" = [])),
    responses((status = 200, body = ObstacleDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    Json(req): Json<ObstacleActionRequest>,
) -> Result<axum::Json<ObstacleDto>, ApiError> {
    let id = super::path_id(&id)?;
    service::visible_of_kind(&state, &caller.principal(), id, OBSTACLE.kind).await?;
    let input = ActionInput {
        action: req.action,
        note: req.note.unwrap_or_default(),
        ..Default::default()
    };
    service::act(&state, &caller.principal(), id, &input).await?;
    let item = direction::item(&state.store, id).await?;
    Ok(axum::Json(obstacle_dto(&state, item).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnswerParams {
    /// Words to find in past obstacles' titles, domains and answers (no diacritics needed).
    pub q: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PastAnswerDto {
    pub id: i64,
    pub title: String,
    pub domain: String,
    pub answer: String,
    pub department: String,
}

#[utoipa::path(get, path = "/api/v1/obstacles/answers", tag = "obstacles", params(AnswerParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<PastAnswerDto>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn answers(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<AnswerParams>,
) -> Result<axum::Json<Vec<PastAnswerDto>>, ApiError> {
    if !caller.user.role.is_official() {
        return Err(ApiError::forbidden());
    }
    let found =
        dieuhanh_store::obstacles::search_answers(&state.store, q.q.as_deref().unwrap_or(""), 50)
            .await?;
    Ok(axum::Json(
        found
            .into_iter()
            .map(|a| PastAnswerDto {
                id: a.item_id,
                title: a.title,
                domain: a.domain,
                answer: a.answer,
                department: a.department,
            })
            .collect(),
    ))
}

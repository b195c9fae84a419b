//! Directives and tasks over the API.

use super::extract::{Json, Query};
use super::{List, PageParams};
use crate::auth::ApiUser;
use crate::direction::{self as service, ActionInput, DirectionError, DirectiveInput, Progress};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dieuhanh_core::workflow::{self, TASK};
use dieuhanh_store::direction::{self, Directive, ItemQuery, WorkItem};
use serde::{Deserialize, Serialize};

impl From<DirectionError> for ApiError {
    fn from(e: DirectionError) -> Self {
        let status = match &e {
            DirectionError::NotFound => StatusCode::NOT_FOUND,
            DirectionError::Forbidden
            | DirectionError::Transition(workflow::TransitionError::NotPermitted { .. }) => {
                StatusCode::FORBIDDEN
            }
            DirectionError::Conflict
            | DirectionError::Transition(workflow::TransitionError::NotInThisState { .. }) => {
                StatusCode::CONFLICT
            }
            DirectionError::Calendar(_) => StatusCode::UNPROCESSABLE_ENTITY,
            DirectionError::Store(e) => return ApiError::internal(e),
            _ => StatusCode::BAD_REQUEST,
        };
        let message = match &e {
            DirectionError::Invalid(code) => invalid_message(code).to_string(),
            other => other.to_string(),
        };
        ApiError::new(status, e.code(), message)
    }
}

fn invalid_message(code: &str) -> &'static str {
    match code {
        "invalid_doc_number" => "doc_number is required (at most 100 characters)",
        "invalid_doc_date" => "doc_date must be a date (YYYY-MM-DD or dd/mm/yyyy)",
        "invalid_signer" => "signer is required (at most 200 characters)",
        "invalid_title" => "title is required (at most 500 characters)",
        "invalid_due" => {
            "give either due_date (a date not before doc_date) or due_working_days (1 to 3650)"
        }
        "invalid_priority" => "priority must be normal, high or urgent",
        "invalid_units" => "units must list communal unit or department codes, or \"all\"",
        "invalid_progress" => "progress must be a whole number from 0 to 100",
        "invalid_assignee" => {
            "assignee must be the username of an active official of the task's unit"
        }
        "invalid_due_date" => "due_date must be a date after the current deadline",
        "invalid_note" => "note is at most 10000 characters",
        "invalid_domain" => {
            "domain must be one of the routing table's domains (GET /api/v1/obstacles/domains), or empty for other; not your own department's"
        }
        "invalid_description" => "description is at most 10000 characters",
        "invalid_leader" => "leader must be the username of an active city leader",
        "already_in_charge" => "this leader is already in charge of one of these units",
        "invalid_visit_date" => "visit_date must be a date, not in the future",
        "invalid_findings" => "findings are required (at most 10000 characters)",
        "invalid_frequency" => {
            "frequency must be weekly, monthly, quarterly, six_month, nine_month or yearly"
        }
        "invalid_period_system" => "period_system must be cut_off or calendar",
        "invalid_due_working_days" => "due_working_days must be 0 to 60",
        "invalid_fields" => "fields must list at least one field",
        "invalid_period" => "period must be a period key of this template, e.g. 2026-M11",
        "report_not_open" => "the report has been submitted; values can no longer change",
        "report_incomplete" => "every field must have a value before the report is submitted",
        "invalid_cooperators" => {
            "cooperating_units must list codes of wards, communes, special zones or departments (at most 50)"
        }
        "invalid_unit" => {
            "unit must be the code of another unit in force (ward, commune, special zone or department)"
        }
        "invalid_task" => "task_id must be a task your unit leads or co-operates on",
        "item_closed" => "files can be attached only while the item is open",
        "file_empty" => "the file is empty",
        "file_too_large" => "the file is larger than 10 MiB",
        "file_name" => "the file needs a name (at most 200 characters)",
        "file_kind" => {
            "accepted files: pdf, doc, docx, xls, xlsx, odt, ods, jpg, jpeg, png, txt, csv"
        }
        _ => "invalid input",
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDirectiveRequest {
    /// Number of the signed document, e.g. "1234/UBND-VX".
    pub doc_number: String,
    /// Date of the document.
    pub doc_date: String,
    pub signer: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Deadline date; or give `due_working_days`.
    pub due_date: Option<String>,
    /// Deadline as working days from today.
    pub due_working_days: Option<u32>,
    /// `normal` (default), `high` or `urgent`.
    pub priority: Option<String>,
    /// Accountable unit codes, or `["all"]` for every ward, commune and special zone.
    pub units: Vec<String>,
    /// Codes of units (e.g. departments) that co-operate on every task.
    #[serde(default)]
    pub cooperating_units: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DirectiveCreated {
    pub id: i64,
    pub tasks: usize,
}

#[utoipa::path(post, path = "/api/v1/directives", tag = "direction", request_body = NewDirectiveRequest, security(("bearer" = [])),
    responses((status = 201, body = DirectiveCreated), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiUser,
    Json(req): Json<NewDirectiveRequest>,
) -> Result<(StatusCode, axum::Json<DirectiveCreated>), ApiError> {
    let input = DirectiveInput {
        doc_number: req.doc_number,
        doc_date: req.doc_date,
        signer: req.signer,
        title: req.title,
        summary: req.summary,
        due_date: req.due_date.unwrap_or_default(),
        due_working_days: req.due_working_days,
        priority: req.priority.unwrap_or_default(),
        units: req.units,
        cooperators: req.cooperating_units,
    };
    let (id, tasks) = service::issue(&state, &caller.principal(), &input).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(DirectiveCreated { id, tasks }),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DirectiveDto {
    pub id: i64,
    pub issuer: String,
    pub doc_number: String,
    pub doc_date: String,
    pub signer: String,
    pub title: String,
    pub summary: String,
    pub due_date: String,
    pub progress: Progress,
}

async fn directive_dto(state: &AppState, d: Directive) -> Result<DirectiveDto, ApiError> {
    let query = ItemQuery {
        directive_id: Some(d.id),
        ..Default::default()
    };
    let page =
        dieuhanh_core::paging::Page::new(Some(1), Some(dieuhanh_core::paging::MAX_PAGE_SIZE))
            .unwrap_or_default();
    let mut items = Vec::new();
    let mut p = page;
    loop {
        let (batch, total) = direction::items(&state.store, &query, p).await?;
        items.extend(batch);
        if items.len() as i64 >= total {
            break;
        }
        p.page += 1;
    }
    Ok(DirectiveDto {
        progress: service::progress(state, &items),
        id: d.id,
        issuer: d.unit_name,
        doc_number: d.doc_number,
        doc_date: d.doc_date,
        signer: d.signer,
        title: d.title,
        summary: d.summary,
        due_date: d.due_date,
    })
}

#[utoipa::path(get, path = "/api/v1/directives", tag = "direction", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = List<DirectiveDto>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(p): Query<PageParams>,
) -> Result<axum::Json<List<DirectiveDto>>, ApiError> {
    let page = p.page()?;
    // City leaders see every directive; a unit those it issued (none, for a ward).
    let issuer = service::work_scope(&caller.principal())?;
    let (found, total) = direction::directives(&state.store, issuer, page).await?;
    let mut items = Vec::with_capacity(found.len());
    for d in found {
        items.push(directive_dto(&state, d).await?);
    }
    Ok(axum::Json(List {
        items,
        total,
        page: page.page,
        page_size: page.size,
    }))
}

#[utoipa::path(get, path = "/api/v1/directives/{id}", tag = "direction", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DirectiveDto), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<DirectiveDto>, ApiError> {
    let id = super::path_id(&id)?;
    let scope = service::work_scope(&caller.principal())?;
    let d = direction::directive(&state.store, id).await?;
    if scope.is_some_and(|u| u != d.unit_id) {
        return Err(ApiError::not_found("no such record"));
    }
    Ok(axum::Json(directive_dto(&state, d).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TaskDto {
    pub id: i64,
    pub directive_id: Option<i64>,
    pub unit_code: String,
    pub unit_name: String,
    pub title: String,
    pub state: String,
    pub priority: String,
    pub due_date: String,
    /// `on_track`, `due_soon`, `overdue`, `done_on_time`, `done_late`; null when the
    /// calendar cannot tell yet.
    pub sla: Option<String>,
    pub progress: i64,
    pub assignee: Option<String>,
    pub closed_on: Option<String>,
}

pub(crate) fn task_dto(state: &AppState, w: WorkItem) -> TaskDto {
    TaskDto {
        sla: service::sla_of(state, &w).map(|s| s.as_str().to_string()),
        id: w.id,
        directive_id: w.directive_id,
        unit_code: w.unit_code,
        unit_name: w.unit_name,
        title: w.title,
        state: w.state,
        priority: w.priority,
        due_date: w.due_date,
        progress: w.progress,
        assignee: w.assignee_name,
        closed_on: w.closed_on,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskParams {
    /// Only open tasks.
    pub open: Option<bool>,
    pub directive: Option<i64>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/tasks", tag = "direction", params(TaskParams), security(("bearer" = [])),
    responses((status = 200, body = List<TaskDto>), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn tasks(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<TaskParams>,
) -> Result<axum::Json<List<TaskDto>>, ApiError> {
    let page = PageParams {
        page: q.page,
        page_size: q.page_size,
    }
    .page()?;
    let scope = service::work_scope(&caller.principal())?;
    let query = ItemQuery {
        involving_unit: scope,
        directive_id: q.directive,
        open_only: q.open.unwrap_or(false),
        kind: Some("task"),
    };
    let (found, total) = direction::items(&state.store, &query, page).await?;
    let items = found.into_iter().map(|w| task_dto(&state, w)).collect();
    Ok(axum::Json(List {
        items,
        total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TaskEventDto {
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub note: String,
    pub progress: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TaskDetail {
    pub task: TaskDto,
    pub events: Vec<TaskEventDto>,
    /// Actions the caller may take now.
    pub actions: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "direction", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = TaskDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn task(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
) -> Result<axum::Json<TaskDetail>, ApiError> {
    let id = super::path_id(&id)?;
    let principal = caller.principal();
    let item = service::visible_of_kind(&state, &principal, id, TASK.kind).await?;
    let relations = crate::direction::relations_to(&principal, &item);
    let actions = TASK
        .available(&item.state, &relations)
        .into_iter()
        .map(str::to_string)
        .collect();
    let events = events(&state, item.id).await?;
    Ok(axum::Json(TaskDetail {
        task: task_dto(&state, item),
        events,
        actions,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskActionRequest {
    /// One of the task's actions: assign, report_progress, request_extension,
    /// grant_extension, refuse_extension, request_completion, accept_completion,
    /// reject_completion, cancel.
    pub action: String,
    /// Required for refusals, extensions and cancellations.
    pub note: Option<String>,
    /// 0–100, for report_progress.
    pub progress: Option<i64>,
    /// Username of an official of the task's unit, for assign.
    pub assignee: Option<String>,
    /// New deadline, for grant_extension.
    pub due_date: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/tasks/{id}/actions", tag = "direction", params(("id" = i64, Path)), request_body = TaskActionRequest,
    security(("bearer" = [])),
    responses((status = 200, body = TaskDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: ApiUser,
    Path(id): Path<String>,
    Json(req): Json<TaskActionRequest>,
) -> Result<axum::Json<TaskDto>, ApiError> {
    let id = super::path_id(&id)?;
    let input = ActionInput {
        action: req.action,
        note: req.note.unwrap_or_default(),
        progress: req.progress,
        assignee: req.assignee.unwrap_or_default(),
        due_date: req.due_date.unwrap_or_default(),
        ..Default::default()
    };
    service::visible_of_kind(&state, &caller.principal(), id, TASK.kind).await?;
    service::act(&state, &caller.principal(), id, &input).await?;
    let item = direction::item(&state.store, id).await?;
    Ok(axum::Json(task_dto(&state, item)))
}

/// An item's history for the API.
pub(crate) async fn events(state: &AppState, item_id: i64) -> Result<Vec<TaskEventDto>, ApiError> {
    Ok(direction::events(&state.store, item_id)
        .await?
        .into_iter()
        .map(|e| TaskEventDto {
            at: dieuhanh_core::time::format_rfc3339(e.at_us),
            actor: e.actor_name,
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            note: e.note,
            progress: e.progress,
        })
        .collect())
}

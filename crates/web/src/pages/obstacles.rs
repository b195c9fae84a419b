//! Obstacles and requests: a unit raises one to the competent department, the
//! department answers, the unit accepts or reopens; past answers are searchable.

use super::{PageError, PageForm, PagePath, PageQuery, render, respond};
use crate::auth::PageCtx;
use crate::direction::{self as service, ActionInput, DirectionError};
use crate::obstacles::{self, ObstacleInput};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::paging::Page;
use dieuhanh_core::time::format_civil_date;
use dieuhanh_core::workflow::OBSTACLE;
use dieuhanh_store::direction::{self, ItemQuery, WorkItem};
use dieuhanh_store::obstacles::PastAnswer;
use std::collections::HashMap;

pub struct Row {
    pub id: i64,
    pub title: String,
    pub from: String,
    pub to: String,
    pub state: String,
    pub sla_class: String,
    pub sla_label: String,
    pub due: String,
}

/// `names` maps unit ids to names, loaded once per page.
fn row(state: &AppState, ctx: &PageCtx, w: &WorkItem, names: &HashMap<i64, String>) -> Row {
    let from = names.get(&w.issuer_unit_id).cloned().unwrap_or_default();
    let sla = if w.state == "withdrawn" {
        None
    } else {
        service::sla_of(state, w)
    };
    Row {
        id: w.id,
        title: w.title.clone(),
        from,
        to: w.unit_name.clone(),
        state: ctx.label("obstacle_state", &w.state),
        sla_class: sla.map(|s| s.as_str()).unwrap_or("").to_string(),
        sla_label: sla
            .map(|s| ctx.label("sla", s.as_str()))
            .unwrap_or_else(|| "—".into()),
        due: format_civil_date(&w.due_date),
    }
}

async fn unit_names(state: &AppState) -> Result<HashMap<i64, String>, PageError> {
    Ok(dieuhanh_store::units::all_current(&state.store)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

#[derive(Template)]
#[template(path = "obstacles.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    q: String,
    answers: Vec<PastAnswer>,
    rows: Vec<Row>,
    can_raise: bool,
    domains: Vec<(String, String)>,
    answer_days: String,
    /// The task the new obstacle is about: (id, title).
    task: Option<(i64, String)>,
    message: Option<String>,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    q: String,
    /// Raise an obstacle about this task (the task page links here).
    task: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
async fn list_page(
    state: &AppState,
    ctx: &PageCtx,
    q: String,
    task: Option<i64>,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let scope = service::work_scope(&principal)?;
    let query = ItemQuery {
        involving_unit: scope,
        directive_id: None,
        open_only: false,
        kind: Some("obstacle"),
    };
    let (found, _) = direction::items(
        &state.store,
        &query,
        Page::new(Some(1), Some(200)).unwrap_or_default(),
    )
    .await?;
    let names = unit_names(state).await?;
    let rows = found.iter().map(|w| row(state, ctx, w, &names)).collect();
    let answers = dieuhanh_store::obstacles::search_answers(&state.store, &q, 20).await?;
    let domains = dieuhanh_store::obstacles::routes(&state.store)
        .await?
        .into_iter()
        .map(|r| (r.domain, r.unit_name))
        .collect();
    let page = ListPage {
        ctx,
        q,
        answers,
        rows,
        can_raise: principal.role.is_official(),
        domains,
        answer_days: obstacles::answer_days(state).await.to_string(),
        task: match task {
            Some(id) => service::visible_of_kind(state, &principal, id, "task")
                .await
                .ok()
                .map(|t| (t.id, t.title)),
            None => None,
        },
        message,
        error,
    };
    Ok(render(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<Params>,
) -> Response {
    respond(
        &ctx,
        list_page(
            &state,
            &ctx,
            params.q,
            params.task,
            StatusCode::OK,
            None,
            None,
        )
        .await,
    )
}

#[derive(serde::Deserialize)]
pub struct RaiseForm {
    #[serde(default)]
    domain: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// The related task (from the task page's link), or empty.
    #[serde(default)]
    task_id: String,
}

pub async fn raise(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<RaiseForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let input = ObstacleInput {
            domain: form.domain,
            title: form.title,
            description: form.description,
            task_id: form.task_id.trim().parse().ok(),
        };
        let task_id = input.task_id;
        match obstacles::raise(&state, &principal, &input).await {
            Ok(_) => {
                list_page(
                    &state,
                    &ctx,
                    String::new(),
                    None,
                    StatusCode::OK,
                    Some(ctx.t.get("obstacles.sent").to_string()),
                    None,
                )
                .await
            }
            Err(e @ (DirectionError::Forbidden | DirectionError::Store(_))) => Err(e.into()),
            Err(e) => {
                list_page(
                    &state,
                    &ctx,
                    String::new(),
                    task_id,
                    StatusCode::BAD_REQUEST,
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

#[derive(Template)]
#[template(path = "obstacle.html")]
struct DetailPage<'a> {
    ctx: &'a PageCtx,
    o: Row,
    domain: String,
    routed: bool,
    /// The related task, when the viewer may open it: (id, title).
    task: Option<(i64, String)>,
    description: String,
    answer: String,
    events: Vec<(String, String, String, String)>,
    actions: Vec<(String, String)>,
    files: Vec<super::files::FileRow>,
    can_attach: bool,
    files_action: String,
    message: Option<String>,
    error: Option<String>,
}

async fn detail_page(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let item = service::visible_of_kind(state, &principal, id, OBSTACLE.kind).await?;
    let details = dieuhanh_store::obstacles::details(&state.store, item.id).await?;
    let relations = crate::direction::relations_to(&principal, &item);
    let actions = OBSTACLE
        .available(&item.state, &relations)
        .into_iter()
        .map(|a| (a.to_string(), ctx.label("obstacle_action", a)))
        .collect();
    let events = super::direction::history(state, ctx, item.id, "obstacle_action").await?;
    let o = row(state, ctx, &item, &unit_names(state).await?);
    let domain = if details.domain.is_empty() {
        ctx.t.get("obstacles.other_domain").to_string()
    } else {
        details.domain
    };
    Ok(render(
        status,
        &DetailPage {
            ctx,
            o,
            domain,
            routed: details.routed,
            task: match details.task_id {
                Some(id) => service::visible_of_kind(state, &principal, id, "task")
                    .await
                    .ok()
                    .map(|t| (t.id, t.title)),
                None => None,
            },
            description: details.description,
            answer: details.answer,
            events,
            actions,
            files: super::files::rows(state, dieuhanh_store::attachments::Owner::Item(item.id))
                .await?,
            can_attach: item.closed_on.is_none() && !relations.is_empty(),
            files_action: format!("/obstacles/{}/files", item.id),
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
        detail_page(&state, &ctx, id, StatusCode::OK, None, None).await,
    )
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
        service::visible_of_kind(&state, &principal, id, OBSTACLE.kind).await?;
        let input = ActionInput {
            action: form.action.clone(),
            note: form.note,
            ..Default::default()
        };
        match service::act(&state, &principal, id, &input).await {
            Ok(()) => {
                let message = ctx.t.fill(
                    "direction.done",
                    [(
                        "action",
                        ctx.label("obstacle_action", &form.action).as_str(),
                    )],
                );
                detail_page(&state, &ctx, id, StatusCode::OK, Some(message), None).await
            }
            Err(
                e @ (DirectionError::NotFound
                | DirectionError::Forbidden
                | DirectionError::Store(_)),
            ) => Err(e.into()),
            Err(e) => {
                detail_page(
                    &state,
                    &ctx,
                    id,
                    StatusCode::BAD_REQUEST,
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

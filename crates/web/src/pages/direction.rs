//! Pages of the direction module: directives (issue, follow across units) and tasks
//! (a unit's inbox, a task with its history and the actions the viewer may take).

use super::{PageError, PageForm, PagePath, PageQuery, Pager, render, respond};
use crate::auth::PageCtx;
use crate::direction::{self as service, ActionInput, DirectionError, DirectiveInput, PRIORITIES};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::paging::Page;
use dieuhanh_core::policy::{self, Action};
use dieuhanh_core::time::format_civil_date;
use dieuhanh_core::workflow::TASK;
use dieuhanh_store::attachments::Owner;
use dieuhanh_store::direction::{self, Directive, ItemQuery, WorkItem};

impl From<DirectionError> for PageError {
    fn from(e: DirectionError) -> Self {
        match e {
            DirectionError::NotFound => PageError::not_found(),
            DirectionError::Forbidden => PageError::forbidden(),
            DirectionError::Store(e) => PageError::Internal(e.to_string()),
            other => PageError::Status(StatusCode::BAD_REQUEST, other.message_key()),
        }
    }
}

/// What a page does with a failed use case: a missing record, a refusal or a store
/// failure is the page's own error; anything else is a message shown on the form.
pub fn form_message(ctx: &PageCtx, e: DirectionError) -> Result<String, PageError> {
    match e {
        DirectionError::NotFound | DirectionError::Forbidden | DirectionError::Store(_) => {
            Err(e.into())
        }
        other => Ok(ctx.t.get(other.message_key()).to_string()),
    }
}

pub struct TaskRow {
    pub id: i64,
    pub directive_id: Option<i64>,
    pub unit_code: String,
    pub unit_name: String,
    pub title: String,
    pub state_label: String,
    pub sla_class: String,
    pub sla_label: String,
    pub progress: i64,
    pub due: String,
    pub assignee: String,
}

fn task_row(state: &AppState, ctx: &PageCtx, w: &WorkItem) -> TaskRow {
    let sla = if w.state == "cancelled" {
        None
    } else {
        service::sla_of(state, w)
    };
    TaskRow {
        id: w.id,
        directive_id: w.directive_id,
        unit_code: w.unit_code.clone(),
        unit_name: w.unit_name.clone(),
        title: w.title.clone(),
        state_label: ctx.label("task_state", &w.state),
        sla_class: sla.map(|s| s.as_str()).unwrap_or("").to_string(),
        sla_label: sla
            .map(|s| ctx.label("sla", s.as_str()))
            .unwrap_or_else(|| "—".to_string()),
        progress: w.progress,
        due: format_civil_date(&w.due_date),
        assignee: w.assignee_name.clone().unwrap_or_default(),
    }
}

pub struct DirectiveRow {
    pub id: i64,
    pub doc_number: String,
    pub doc_date: String,
    pub title: String,
    pub due_date: String,
    pub done: String,
    pub total: String,
    pub overdue: String,
}

#[derive(Default)]
pub struct DirectiveFormData {
    pub doc_number: String,
    pub doc_date: String,
    pub signer: String,
    pub title: String,
    pub summary: String,
    pub due_date: String,
    pub priority: String,
    pub units: String,
    pub due_working_days: String,
    pub cooperators: String,
}

#[derive(Template)]
#[template(path = "directives.html")]
struct DirectivesPage<'a> {
    ctx: &'a PageCtx,
    directives: Vec<DirectiveRow>,
    can_issue: bool,
    form: DirectiveFormData,
    priorities: Vec<(&'static str, String)>,
    message: Option<String>,
    error: Option<String>,
}

async fn all_items(state: &AppState, query: &ItemQuery) -> Result<Vec<WorkItem>, PageError> {
    let mut page =
        Page::new(Some(1), Some(dieuhanh_core::paging::MAX_PAGE_SIZE)).unwrap_or_default();
    let mut out = Vec::new();
    loop {
        let (batch, total) = direction::items(&state.store, query, page).await?;
        out.extend(batch);
        if out.len() as i64 >= total {
            return Ok(out);
        }
        page.page += 1;
    }
}

async fn directives_page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: DirectiveFormData,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let issuer = service::work_scope(&principal)?;
    let (found, _) = direction::directives(&state.store, issuer, Page::default()).await?;
    // One grouped query for the page's directives, not one per directive.
    let ids: Vec<i64> = found.iter().map(|d| d.id).collect();
    let counts =
        direction::directive_counts(&state.store, &ids, &service::today().to_string()).await?;
    let directives = found
        .into_iter()
        .map(|d| {
            let c = counts.get(&d.id).copied().unwrap_or_default();
            DirectiveRow {
                id: d.id,
                doc_number: d.doc_number,
                doc_date: format_civil_date(&d.doc_date),
                title: d.title,
                due_date: format_civil_date(&d.due_date),
                done: c.done.to_string(),
                total: c.total.to_string(),
                overdue: c.overdue.to_string(),
            }
        })
        .collect();
    let priorities = PRIORITIES
        .iter()
        .map(|p| (*p, ctx.label("priority", p)))
        .collect();
    let can_issue = policy::allows_global(&principal, Action::IssueDirective);
    Ok(render(
        status,
        &DirectivesPage {
            ctx,
            directives,
            can_issue,
            form,
            priorities,
            message,
            error,
        },
    ))
}

pub async fn directives(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let form = DirectiveFormData {
        priority: "normal".into(),
        units: "all".into(),
        ..Default::default()
    };
    respond(
        &ctx,
        directives_page(&state, &ctx, StatusCode::OK, form, None, None).await,
    )
}

#[derive(serde::Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    doc_date: String,
    #[serde(default)]
    signer: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    units: String,
    #[serde(default)]
    due_working_days: String,
    #[serde(default)]
    cooperators: String,
}

pub async fn issue(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<IssueForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let input = DirectiveInput {
            doc_number: form.doc_number.clone(),
            doc_date: form.doc_date.clone(),
            signer: form.signer.clone(),
            title: form.title.clone(),
            summary: form.summary.clone(),
            due_date: form.due_date.clone(),
            // Not a number of days: the service's check names the deadline as invalid.
            due_working_days: Some(form.due_working_days.trim())
                .filter(|d| !d.is_empty())
                .map(|d| d.parse().unwrap_or(0)),
            priority: form.priority.clone(),
            units: form
                .units
                .split([',', ' ', ';', '\n'])
                .map(str::to_string)
                .collect(),
            cooperators: form
                .cooperators
                .split([',', ' ', ';', '\n'])
                .map(str::to_string)
                .collect(),
        };
        match service::issue(&state, &principal, &input).await {
            Ok((_, tasks)) => {
                let message = ctx
                    .t
                    .fill("direction.issued", [("n", tasks.to_string().as_str())]);
                let fresh = DirectiveFormData {
                    priority: "normal".into(),
                    units: "all".into(),
                    ..Default::default()
                };
                directives_page(&state, &ctx, StatusCode::OK, fresh, Some(message), None).await
            }
            Err(DirectionError::Forbidden) => Err(PageError::forbidden()),
            Err(DirectionError::Store(e)) => Err(PageError::Internal(e.to_string())),
            Err(e) => {
                let kept = DirectiveFormData {
                    doc_number: form.doc_number,
                    doc_date: form.doc_date,
                    signer: form.signer,
                    title: form.title,
                    summary: form.summary,
                    due_date: form.due_date,
                    priority: form.priority,
                    units: form.units,
                    due_working_days: form.due_working_days,
                    cooperators: form.cooperators,
                };
                let message = ctx.t.get(e.message_key()).to_string();
                directives_page(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    kept,
                    None,
                    Some(message),
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "directive.html")]
struct DirectivePage<'a> {
    ctx: &'a PageCtx,
    d: Directive,
    doc_date: String,
    due_date: String,
    counts: Vec<(String, i64, &'static str)>,
    tasks: Vec<TaskRow>,
    files: Vec<super::files::FileRow>,
    can_attach: bool,
    files_action: String,
}

pub async fn directive(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let scope = service::work_scope(&principal)?;
        let d = direction::directive(&state.store, id).await?;
        if scope.is_some_and(|u| u != d.unit_id) {
            return Err(PageError::not_found());
        }
        let items = all_items(
            &state,
            &ItemQuery {
                directive_id: Some(d.id),
                ..Default::default()
            },
        )
        .await?;
        let p = service::progress(&state, &items);
        let counts = vec![
            (ctx.t.get("direction.count.total").to_string(), p.total, ""),
            (
                ctx.t.get("direction.count.not_started").to_string(),
                p.not_started,
                "",
            ),
            (ctx.t.get("sla.on_track").to_string(), p.on_track, ""),
            (ctx.t.get("sla.due_soon").to_string(), p.due_soon, ""),
            (ctx.t.get("sla.overdue").to_string(), p.overdue, "overdue"),
            (
                ctx.t.get("sla.done_on_time").to_string(),
                p.done_on_time,
                "",
            ),
            (ctx.t.get("sla.done_late").to_string(), p.done_late, ""),
        ];
        // Red flags first: overdue, then due soon, then the rest by unit.
        let mut tasks: Vec<TaskRow> = items.iter().map(|w| task_row(&state, &ctx, w)).collect();
        let rank = |c: &str| match c {
            "overdue" => 0,
            "due_soon" => 1,
            "on_track" => 2,
            _ => 3,
        };
        tasks.sort_by(|a, b| {
            rank(&a.sla_class)
                .cmp(&rank(&b.sla_class))
                .then_with(|| a.unit_name.cmp(&b.unit_name))
        });
        Ok(render(
            StatusCode::OK,
            &DirectivePage {
                ctx: &ctx,
                doc_date: format_civil_date(&d.doc_date),
                due_date: format_civil_date(&d.due_date),
                files: super::files::rows(&state, Owner::Directive(d.id)).await?,
                can_attach: d.unit_id == principal.unit_id
                    && policy::allows_global(&principal, policy::Action::IssueDirective),
                files_action: format!("/directives/{}/files", d.id),
                d,
                counts,
                tasks,
            },
        ))
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage<'a> {
    ctx: &'a PageCtx,
    tasks: Vec<TaskRow>,
    total: i64,
    open_only: bool,
    pager: Pager,
}

#[derive(serde::Deserialize, Default)]
pub struct TasksParams {
    open: Option<bool>,
    page: Option<i64>,
}

pub async fn tasks(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<TasksParams>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let scope = service::work_scope(&principal)?;
        let open_only = params.open.unwrap_or(true);
        let page = Page::new(params.page, None)
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error.bad_page"))?;
        let query = ItemQuery {
            involving_unit: scope,
            directive_id: None,
            open_only,
            kind: Some("task"),
        };
        let (found, total) = direction::items(&state.store, &query, page).await?;
        let tasks = found.iter().map(|w| task_row(&state, &ctx, w)).collect();
        let open = if open_only { "" } else { "false" };
        let pager = Pager::new(page, total, "/tasks", &[("open", open)]);
        Ok(render(
            StatusCode::OK,
            &TasksPage {
                ctx: &ctx,
                tasks,
                total,
                open_only,
                pager,
            },
        ))
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage<'a> {
    ctx: &'a PageCtx,
    t: TaskRow,
    priority: String,
    events: Vec<(String, String, String, String)>,
    actions: Vec<(String, String)>,
    officials: Vec<(String, String)>,
    cooperators: Vec<String>,
    files: Vec<super::files::FileRow>,
    directive_files: Vec<super::files::FileRow>,
    can_attach: bool,
    files_action: String,
    message: Option<String>,
    error: Option<String>,
}

async fn task_page(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let item = service::visible_of_kind(state, &principal, id, TASK.kind).await?;
    let relations = crate::direction::relations_to(&principal, &item);
    let actions: Vec<(String, String)> = TASK
        .available(&item.state, &relations)
        .into_iter()
        .map(|a| (a.to_string(), ctx.label("task_action", a)))
        .collect();
    let officials = if actions.iter().any(|(a, _)| a == "assign") {
        let query = dieuhanh_store::users::PeopleQuery {
            text: None,
            unit_id: Some(item.unit_id),
        };
        let scope = policy::Scope::Unit(item.unit_id);
        let (people, _) =
            dieuhanh_store::users::search(&state.store, &scope, &query, Page::default()).await?;
        people
            .into_iter()
            .filter(|p| !p.disabled && p.role.is_official())
            .map(|p| (p.username, p.full_name))
            .collect()
    } else {
        Vec::new()
    };
    let events = history(state, ctx, item.id, "task_action").await?;
    let priority = ctx.label("priority", &item.priority);
    let cooperating = direction::cooperators(&state.store, item.id).await?;
    let can_attach = item.closed_on.is_none()
        && (!relations.is_empty() || cooperating.iter().any(|c| c.0 == principal.unit_id));
    let files = super::files::rows(state, Owner::Item(item.id)).await?;
    let directive_files = match item.directive_id {
        Some(d) => super::files::rows(state, Owner::Directive(d)).await?,
        None => Vec::new(),
    };
    let t = task_row(state, ctx, &item);
    Ok(render(
        status,
        &TaskPage {
            ctx,
            t,
            priority,
            events,
            actions,
            officials,
            cooperators: cooperating.into_iter().map(|c| c.2).collect(),
            files,
            directive_files,
            can_attach,
            files_action: format!("/tasks/{}/files", item.id),
            message,
            error,
        },
    ))
}

pub async fn task(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
) -> Response {
    respond(
        &ctx,
        task_page(&state, &ctx, id, StatusCode::OK, None, None).await,
    )
}

#[derive(serde::Deserialize)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    due_date: String,
}

pub async fn act(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ActForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let progress = match form.progress.trim() {
            "" => None,
            p => Some(p.parse::<i64>().unwrap_or(-1)),
        };
        let input = ActionInput {
            action: form.action.clone(),
            note: form.note,
            progress,
            assignee: form.assignee,
            due_date: form.due_date,
            ..Default::default()
        };
        service::visible_of_kind(&state, &principal, id, TASK.kind).await?;
        match service::act(&state, &principal, id, &input).await {
            Ok(()) => {
                let message = ctx.t.fill(
                    "direction.done",
                    [("action", ctx.label("task_action", &form.action).as_str())],
                );
                task_page(&state, &ctx, id, StatusCode::OK, Some(message), None).await
            }
            Err(
                e @ (DirectionError::NotFound
                | DirectionError::Forbidden
                | DirectionError::Store(_)),
            ) => Err(e.into()),
            Err(e) => {
                let status = if matches!(e, DirectionError::Conflict) {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::BAD_REQUEST
                };
                task_page(
                    &state,
                    &ctx,
                    id,
                    status,
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

/// An item's history as rows (when, what, who, detail), actions labelled from
/// `{prefix}.{action}`.
pub async fn history(
    state: &AppState,
    ctx: &PageCtx,
    item_id: i64,
    prefix: &str,
) -> Result<Vec<(String, String, String, String)>, PageError> {
    Ok(direction::events(&state.store, item_id)
        .await?
        .into_iter()
        .map(|e| {
            let detail = match (e.progress, e.note.is_empty()) {
                (Some(p), true) => format!("{p}%"),
                (Some(p), false) => format!("{p}% — {}", e.note),
                (None, _) => e.note,
            };
            (
                dieuhanh_core::time::format_datetime(e.at_us),
                ctx.label(prefix, &e.action),
                e.actor_name.unwrap_or_default(),
                detail,
            )
        })
        .collect())
}

//! Officers' pages for citizen reports: the unit's reports (red flags first) and one
//! report with its location, answers, photo, public history and actions. The reporter's
//! contact is shown to the handling unit on request, and each reading is audited.

use super::{PageError, PageForm, PagePath, render, respond};
use crate::auth::PageCtx;
use crate::direction::{self as service, ActionInput, DirectionError};
use crate::open311::intake::CONTACT_CONTEXT;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::paging::Page;
use dieuhanh_core::time::{format_civil_date, format_datetime};
use dieuhanh_core::workflow::CITIZEN_REPORT;
use dieuhanh_store::audit::{AuditEvent, append};
use dieuhanh_store::citizen;
use dieuhanh_store::direction::{self, ItemQuery};

pub struct Row {
    pub id: i64,
    pub public_id: String,
    pub title: String,
    pub unit: String,
    pub state: String,
    pub sla_class: String,
    pub sla_label: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "citizen_reports.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    rows: Vec<Row>,
    open_only: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    all: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    super::PageQuery(params): super::PageQuery<ListParams>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let scope = service::work_scope(&principal)?;
        let open_only = params.all.is_none();
        let (items, _) = direction::items(
            &state.store,
            &ItemQuery {
                involving_unit: scope,
                directive_id: None,
                open_only,
                kind: Some(CITIZEN_REPORT.kind),
            },
            Page::new(Some(1), Some(500)).unwrap_or_default(),
        )
        .await?;
        let ids: Vec<i64> = items.iter().map(|w| w.id).collect();
        let mut reports = citizen::by_items(&state.store, &ids).await?;
        let mut rows = Vec::with_capacity(items.len());
        for w in &items {
            let r = reports
                .remove(&w.id)
                .ok_or(dieuhanh_store::StoreError::NotFound)?;
            let sla = service::sla_of(&state, w);
            rows.push(Row {
                id: w.id,
                public_id: r.public_id,
                title: w.title.clone(),
                unit: w.unit_name.clone(),
                state: ctx.label("citizen_state", &w.state),
                sla_class: sla.map(|s| s.as_str()).unwrap_or("").to_string(),
                sla_label: sla
                    .map(|s| ctx.label("sla", s.as_str()))
                    .unwrap_or_else(|| "—".into()),
                due: format_civil_date(&w.due_date),
            });
        }
        let rank = |c: &str| match c {
            "overdue" => 0,
            "due_soon" => 1,
            _ => 2,
        };
        rows.sort_by_key(|r| rank(&r.sla_class));
        Ok(render(
            StatusCode::OK,
            &ListPage {
                ctx: &ctx,
                rows,
                open_only,
            },
        ))
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "citizen_report.html")]
struct DetailPage<'a> {
    ctx: &'a PageCtx,
    id: i64,
    r: citizen::PublicReport,
    requested: String,
    due: String,
    state_label: String,
    sla_class: String,
    sla_label: String,
    answers: Vec<(String, String)>,
    contact: Option<Vec<(String, String)>>,
    can_read_contact: bool,
    events: Vec<(String, String, String, String)>,
    actions: Vec<(String, String)>,
    officials: Vec<(String, String)>,
    message: Option<String>,
    error: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn detail(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    status: StatusCode,
    contact: Option<Vec<(String, String)>>,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let item = service::visible_of_kind(state, &principal, id, CITIZEN_REPORT.kind).await?;
    let r = citizen::by_item(&state.store, id).await?;
    let relations = crate::direction::relations_to(&principal, &item);
    let actions: Vec<(String, String)> = CITIZEN_REPORT
        .available(&item.state, &relations)
        .into_iter()
        .map(|a| (a.to_string(), ctx.label("citizen_action", a)))
        .collect();
    let officials = if actions.iter().any(|(a, _)| a == "assign") {
        let query = dieuhanh_store::users::PeopleQuery {
            text: None,
            unit_id: Some(item.unit_id),
        };
        let scope = dieuhanh_core::policy::Scope::Unit(item.unit_id);
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
    let service_def = citizen::service(&state.store, &r.service_code).await.ok();
    let answers = citizen::answers(&state.store, id)
        .await?
        .into_iter()
        .map(|(code, values)| {
            let attribute = service_def
                .as_ref()
                .and_then(|s| s.attributes.iter().find(|a| a.code == code));
            let label = attribute.map(|a| a.description.clone()).unwrap_or(code);
            let shown = values
                .iter()
                .map(|v| {
                    attribute
                        .and_then(|a| a.values.iter().find(|(k, _)| k == v))
                        .map(|(_, n)| n.clone())
                        .unwrap_or_else(|| v.clone())
                })
                .collect::<Vec<_>>()
                .join(", ");
            (label, shown)
        })
        .collect();
    let sla = service::sla_of(state, &item);
    let events = super::direction::history(state, ctx, id, "citizen_action").await?;
    Ok(render(
        status,
        &DetailPage {
            ctx,
            id,
            requested: format_datetime(r.requested_at_us),
            due: format_civil_date(&item.due_date),
            state_label: ctx.label("citizen_state", &item.state),
            sla_class: sla.map(|s| s.as_str()).unwrap_or("").to_string(),
            sla_label: sla
                .map(|s| ctx.label("sla", s.as_str()))
                .unwrap_or_else(|| "—".into()),
            r,
            answers,
            contact,
            can_read_contact: principal.unit_id == item.unit_id,
            events,
            actions,
            officials,
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
        detail(&state, &ctx, id, StatusCode::OK, None, None, None).await,
    )
}

/// Opens the sealed contact for the handling unit; the reading is audited.
pub async fn contact(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let item = service::visible_of_kind(&state, &principal, id, CITIZEN_REPORT.kind).await?;
        if principal.unit_id != item.unit_id {
            return Err(PageError::forbidden());
        }
        let sealed = citizen::contact(&state.store, id).await?;
        let fields: Vec<(String, String)> = match sealed
            .as_deref()
            .and_then(|s| state.keys.open(s, CONTACT_CONTEXT))
            .and_then(|b| {
                serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&b).ok()
            }) {
            Some(map) => map
                .into_iter()
                .map(|(k, v)| {
                    (
                        ctx.label("citizen_contact", &k),
                        v.as_str().unwrap_or("").to_string(),
                    )
                })
                .collect(),
            None => Vec::new(),
        };
        let mut tx = state.store.begin().await?;
        append(
            &mut tx,
            AuditEvent {
                unit_id: item.unit_id,
                actor_id: Some(principal.user_id),
                entity: "citizen_report",
                entity_id: id.to_string(),
                action: "citizen_report.read_contact",
                summary: serde_json::json!({}),
            },
        )
        .await?;
        tx.commit()
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        detail(&state, &ctx, id, StatusCode::OK, Some(fields), None, None).await
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
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    unit: String,
}

pub async fn act(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ActForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        service::visible_of_kind(&state, &principal, id, CITIZEN_REPORT.kind).await?;
        let input = ActionInput {
            action: form.action.clone(),
            note: form.note,
            assignee: form.assignee,
            unit: form.unit,
            ..Default::default()
        };
        match service::act(&state, &principal, id, &input).await {
            Ok(()) => {
                let message = ctx.t.fill(
                    "direction.done",
                    [("action", ctx.label("citizen_action", &form.action).as_str())],
                );
                detail(&state, &ctx, id, StatusCode::OK, None, Some(message), None).await
            }
            Err(
                e @ (DirectionError::NotFound
                | DirectionError::Forbidden
                | DirectionError::Store(_)),
            ) => Err(e.into()),
            Err(e) => {
                let error = ctx.t.get(e.message_key()).to_string();
                detail(
                    &state,
                    &ctx,
                    id,
                    StatusCode::BAD_REQUEST,
                    None,
                    None,
                    Some(error),
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

//! "Địa bàn phụ trách": a city leader's units, their last visits, logging a visit with
//! a follow-up task; and, for those who may, assigning leaders to units.

use super::{PageError, PageForm, render, respond};
use crate::auth::PageCtx;
use crate::direction::DirectionError;
use crate::state::AppState;
use crate::visits::{self as service, VisitInput};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::policy::{self, Action, Role, Scope};
use dieuhanh_core::time::format_civil_date;
use dieuhanh_store::visits::{self, LeaderAssignment};

#[derive(Template)]
#[template(path = "visits.html")]
struct VisitsPage<'a> {
    ctx: &'a PageCtx,
    interval: String,
    not_visited: String,
    mine: Vec<(String, String, String, bool)>,
    recent: Vec<(String, String, String, String, String)>,
    today: String,
    can_assign: bool,
    leaders: Vec<(String, String)>,
    assignments: Vec<LeaderAssignment>,
    message: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    if !policy::allows_global(&principal, Action::LogVisit)
        && !policy::allows_global(&principal, Action::AssignLeaders)
    {
        return Err(PageError::forbidden());
    }
    let interval = service::interval_days(state).await;
    let since = service::days_since_visit(state).await?;
    let all_units = dieuhanh_store::units::all_current(&state.store).await?;
    let not_visited = all_units
        .iter()
        .filter(|u| u.kind.is_communal())
        .filter(|u| since.get(&u.id).is_none_or(|d| *d > interval))
        .count();
    let mine = visits::assignments(&state.store, Some(principal.user_id))
        .await?
        .into_iter()
        .map(|a| {
            let days = since.get(&a.unit_id).copied();
            let last = match days {
                Some(d) => ctx
                    .t
                    .fill("visits.days_ago", [("days", d.to_string().as_str())]),
                None => ctx.t.get("visits.never").to_string(),
            };
            (
                a.unit_code,
                a.unit_name,
                last,
                days.is_none_or(|d| d > interval),
            )
        })
        .collect();
    let recent = visits::visits(&state.store, None, 20)
        .await?
        .into_iter()
        .map(|v| {
            (
                format_civil_date(&v.visit_date),
                v.unit_code,
                v.unit_name,
                v.leader_name,
                v.findings,
            )
        })
        .collect();
    let can_assign = policy::allows_global(&principal, Action::AssignLeaders);
    let (leaders, assignments) = if can_assign {
        let (people, _) = dieuhanh_store::users::search(
            &state.store,
            &Scope::All,
            &dieuhanh_store::users::PeopleQuery::default(),
            dieuhanh_core::paging::Page::new(Some(1), Some(500)).unwrap_or_default(),
        )
        .await?;
        let leaders = people
            .into_iter()
            .filter(|p| p.role == Role::CityLeader && !p.disabled)
            .map(|p| (p.username, p.full_name))
            .collect();
        (leaders, visits::assignments(&state.store, None).await?)
    } else {
        (Vec::new(), Vec::new())
    };
    let today = crate::direction::today().strftime("%d/%m/%Y").to_string();
    Ok(render(
        status,
        &VisitsPage {
            ctx,
            interval: interval.to_string(),
            not_visited: not_visited.to_string(),
            mine,
            recent,
            today,
            can_assign,
            leaders,
            assignments,
            message,
            error,
        },
    ))
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    respond(&ctx, page(&state, &ctx, StatusCode::OK, None, None).await)
}

/// Renders the outcome of a change: the confirmation, or the error in the user's language.
async fn outcome(
    state: &AppState,
    ctx: &PageCtx,
    result: Result<String, DirectionError>,
) -> Result<Response, PageError> {
    match result {
        Ok(message) => page(state, ctx, StatusCode::OK, Some(message), None).await,
        Err(e @ (DirectionError::Forbidden | DirectionError::Store(_))) => Err(e.into()),
        Err(e) => {
            page(
                state,
                ctx,
                StatusCode::BAD_REQUEST,
                None,
                Some(ctx.t.get(e.message_key()).to_string()),
            )
            .await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct LogForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    visit_date: String,
    #[serde(default)]
    findings: String,
    #[serde(default)]
    follow_up: String,
    #[serde(default)]
    follow_up_due: String,
}

pub async fn log(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<LogForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let input = VisitInput {
            unit: form.unit,
            visit_date: form.visit_date,
            findings: form.findings,
            follow_up: form.follow_up,
            follow_up_due: form.follow_up_due,
        };
        let done = service::log(&state, &principal, &input)
            .await
            .map(|_| ctx.t.get("visits.saved").to_string());
        outcome(&state, &ctx, done).await
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    leader: String,
    #[serde(default)]
    units: String,
}

pub async fn assign(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<AssignForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let codes: Vec<String> = form
            .units
            .split([',', ' ', ';'])
            .map(str::to_string)
            .collect();
        let done = service::assign(&state, &principal, &form.leader, &codes)
            .await
            .map(|n| {
                ctx.t
                    .fill("visits.assigned", [("n", n.to_string().as_str())])
            });
        outcome(&state, &ctx, done).await
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    leader_id: i64,
    #[serde(default)]
    unit: String,
}

pub async fn unassign(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<RemoveForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let done = service::unassign(&state, &principal, form.leader_id, &form.unit)
            .await
            .map(|_| ctx.t.get("visits.removed").to_string());
        outcome(&state, &ctx, done).await
    }
    .await;
    respond(&ctx, result)
}

//! Staffing pages: the board's positions, proposals and approval; an official's own
//! profile (levels, wishes, comment).

use super::direction::form_message;
use super::{PageError, PageForm, PagePath, render, respond};
use crate::auth::PageCtx;
use crate::staffing::{self, is_board};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dieuhanh_core::reporting::format_number;
use dieuhanh_core::staffing::Weights;
use dieuhanh_core::time::format_datetime;
use dieuhanh_store::staffing::{self as store, PositionRow};

#[derive(Template)]
#[template(path = "staffing.html")]
struct BoardPage<'a> {
    ctx: &'a PageCtx,
    board: bool,
    positions: Vec<PositionRow>,
    /// (id, created, total, state)
    proposals: Vec<(i64, String, String, String)>,
    /// Comments officials left for the board: (name or anonymous, comment).
    comments: Vec<(String, String)>,
    error: Option<String>,
}

pub(super) async fn board_page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    if !principal.role.is_official() {
        return Err(PageError::forbidden());
    }
    let board = is_board(&principal);
    let vi = ctx.lang == crate::i18n::Lang::Vi;
    let proposals = if board {
        store::proposals(&state.store)
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.id,
                    format_datetime(p.created_at_us),
                    format_number(p.total, vi),
                    ctx.label("staffing.state", &p.state),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut comments = Vec::new();
    if board {
        for p in store::profiles(&state.store).await? {
            if p.comment.is_empty() {
                continue;
            }
            let who = if p.comment_anonymous {
                ctx.t.get("staffing.anonymous").to_string()
            } else {
                dieuhanh_store::users::by_id(&state.store, p.user_id)
                    .await
                    .map(|u| u.full_name)
                    .unwrap_or_default()
            };
            comments.push((who, p.comment));
        }
    }
    Ok(render(
        status,
        &BoardPage {
            ctx,
            board,
            positions: store::positions(&state.store).await?,
            proposals,
            comments,
            error,
        },
    ))
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    respond(&ctx, board_page(&state, &ctx, StatusCode::OK, None).await)
}

#[derive(serde::Deserialize)]
pub struct PositionForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    quota: String,
    #[serde(default)]
    key_position: Option<String>,
    #[serde(default)]
    rotation_years: String,
    #[serde(default)]
    deputy_of: String,
    #[serde(default)]
    requirements: String,
}

pub async fn add_position(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<PositionForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let input = staffing::PositionInput {
            unit_code: form.unit,
            title: form.title,
            quota: form.quota,
            key_position: form.key_position.is_some(),
            rotation_years: form.rotation_years,
            deputy_of: form.deputy_of,
            requirements: form.requirements,
        };
        match staffing::add_position(&state, &principal, &input).await {
            Ok(_) => Ok(Redirect::to("/staffing").into_response()),
            Err(e) => {
                let error = form_message(&ctx, e)?;
                board_page(&state, &ctx, StatusCode::BAD_REQUEST, Some(error)).await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct RunForm {
    #[serde(default)]
    units: String,
    #[serde(default)]
    wish1: String,
    #[serde(default)]
    wish2: String,
    #[serde(default)]
    wish3: String,
    #[serde(default)]
    locks: String,
}

pub async fn run(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<RunForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let weight = |t: &str| t.trim().parse::<f64>().unwrap_or(-1.0);
        let weights = Weights {
            wish: [
                weight(&form.wish1),
                weight(&form.wish2),
                weight(&form.wish3),
            ],
        };
        let units: Vec<String> = form
            .units
            .split([',', ' ', '\n'])
            .map(str::to_string)
            .collect();
        match staffing::run(&state, &principal, &units, weights, &form.locks).await {
            Ok(id) => Ok(Redirect::to(&format!("/staffing/proposals/{id}")).into_response()),
            Err(e) => {
                let error = form_message(&ctx, e)?;
                board_page(&state, &ctx, StatusCode::BAD_REQUEST, Some(error)).await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

pub struct PlacementLine {
    pub name: String,
    pub username: String,
    pub position: String,
    pub unit: String,
    pub total: String,
    pub parts: String,
    pub runner_ups: String,
    pub locked: bool,
}

#[derive(Template)]
#[template(path = "staffing_proposal.html")]
struct ProposalPage<'a> {
    ctx: &'a PageCtx,
    id: i64,
    state: String,
    draft: bool,
    total: String,
    lines: Vec<PlacementLine>,
    vacancies: Vec<(String, i64)>,
    message: Option<String>,
}

async fn proposal_page(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    message: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    if !is_board(&principal) {
        return Err(PageError::forbidden());
    }
    let p = store::proposal(&state.store, id).await?;
    let vi = ctx.lang == crate::i18n::Lang::Vi;
    let n = |v: &serde_json::Value| format_number(v.as_f64().unwrap_or(0.0), vi);
    let empty = Vec::new();
    let lines = p.result["placements"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|x| PlacementLine {
            name: x["full_name"].as_str().unwrap_or("").to_string(),
            username: x["username"].as_str().unwrap_or("").to_string(),
            position: x["title"].as_str().unwrap_or("").to_string(),
            unit: x["unit"].as_str().unwrap_or("").to_string(),
            total: n(&x["total"]),
            parts: x["parts"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(|part| format!("{}: {}", part[0].as_str().unwrap_or(""), n(&part[1])))
                .collect::<Vec<_>>()
                .join("; "),
            runner_ups: x["runner_ups"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(|r| format!("{} ({})", r["title"].as_str().unwrap_or(""), n(&r["total"])))
                .collect::<Vec<_>>()
                .join("; "),
            locked: x["locked"].as_bool().unwrap_or(false),
        })
        .collect();
    let vacancies = p.result["vacancies"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|v| {
            (
                v["title"].as_str().unwrap_or("").to_string(),
                v["seats"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ProposalPage {
            ctx,
            id,
            state: ctx.label("staffing.state", &p.state),
            draft: p.state == "draft",
            total: format_number(p.total, vi),
            lines,
            vacancies,
            message,
        },
    ))
}

pub async fn proposal(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
) -> Response {
    respond(&ctx, proposal_page(&state, &ctx, id, None).await)
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        staffing::approve(&state, &principal, id).await?;
        let message = ctx.t.get("staffing.approved").to_string();
        proposal_page(&state, &ctx, id, Some(message)).await
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "staffing_profile.html")]
struct ProfilePage<'a> {
    ctx: &'a PageCtx,
    levels: String,
    wishes: String,
    comment: String,
    anonymous: bool,
    current: Option<String>,
    positions: Vec<PositionRow>,
    message: Option<String>,
    error: Option<String>,
}

async fn profile_page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    if !principal.role.is_official() {
        return Err(PageError::forbidden());
    }
    let profile = store::profile(&state.store, principal.user_id)
        .await?
        .unwrap_or_default();
    let positions = store::positions(&state.store).await?;
    let current = profile.position_id.and_then(|id| {
        positions.iter().find(|p| p.id == id).map(|p| {
            format!(
                "{} — {} ({})",
                p.title,
                p.unit_name,
                profile.since.clone().unwrap_or_default()
            )
        })
    });
    Ok(render(
        status,
        &ProfilePage {
            ctx,
            levels: profile
                .levels
                .iter()
                .map(|(k, v)| format!("{k} | {v}\n"))
                .collect(),
            wishes: profile
                .wishes
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            comment: profile.comment,
            anonymous: profile.comment_anonymous,
            current,
            positions,
            message,
            error,
        },
    ))
}

pub async fn profile(State(state): State<AppState>, ctx: PageCtx) -> Response {
    respond(
        &ctx,
        profile_page(&state, &ctx, StatusCode::OK, None, None).await,
    )
}

#[derive(serde::Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    levels: String,
    #[serde(default)]
    wishes: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    anonymous: Option<String>,
}

pub async fn save_profile(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<ProfileForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        match staffing::save_profile(
            &state,
            &principal,
            &form.levels,
            &form.wishes,
            &form.comment,
            form.anonymous.is_some(),
        )
        .await
        {
            Ok(()) => {
                let message = ctx.t.get("staffing.saved").to_string();
                profile_page(&state, &ctx, StatusCode::OK, Some(message), None).await
            }
            Err(e) => {
                let error = form_message(&ctx, e)?;
                profile_page(&state, &ctx, StatusCode::BAD_REQUEST, None, Some(error)).await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

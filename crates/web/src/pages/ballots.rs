//! Ballot pages: my ballots and the ones my unit organises, organising one, voting,
//! and the result after closing.

use super::{PageError, PageForm, PagePath, render, respond};
use crate::auth::PageCtx;
use crate::ballots::{self, BallotInput, KINDS};
use crate::direction::DirectionError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::staffing::Outcome;
use dieuhanh_core::time::format_datetime;
use dieuhanh_store::ballots::Ballot;

pub struct Row {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub closes: String,
    pub state: String,
}

fn state_label(ctx: &PageCtx, b: &Ballot) -> String {
    let now = dieuhanh_core::time::now_us();
    let key = if now < b.opens_at_us {
        "ballots.state.upcoming"
    } else if now < b.closes_at_us {
        "ballots.state.open"
    } else {
        "ballots.state.closed"
    };
    ctx.t.get(key).to_string()
}

#[derive(Default, serde::Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    options: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
    #[serde(default)]
    voters: String,
}

#[derive(Template)]
#[template(path = "ballots.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    rows: Vec<Row>,
    can_organise: bool,
    kinds: Vec<(&'static str, String)>,
    form: CreateForm,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: CreateForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    if !principal.role.is_official() {
        return Err(PageError::forbidden());
    }
    let found = dieuhanh_store::ballots::involving(
        &state.store,
        principal.user_id,
        Some(principal.unit_id),
    )
    .await?;
    let rows = found
        .iter()
        .map(|b| Row {
            id: b.id,
            title: b.title.clone(),
            kind: ctx.label("ballots.kind", &b.kind),
            closes: format_datetime(b.closes_at_us),
            state: state_label(ctx, b),
        })
        .collect();
    Ok(render(
        status,
        &ListPage {
            ctx,
            rows,
            can_organise: ballots::may_organise(&principal),
            kinds: KINDS
                .iter()
                .map(|k| (*k, ctx.label("ballots.kind", k)))
                .collect(),
            form,
            error,
        },
    ))
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx) -> Response {
    respond(
        &ctx,
        list_page(&state, &ctx, StatusCode::OK, CreateForm::default(), None).await,
    )
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<CreateForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let input = BallotInput {
            title: form.title.clone(),
            kind: form.kind.clone(),
            options: form.options.clone(),
            threshold_percent: form.threshold.clone(),
            opens: form.opens.clone(),
            closes: form.closes.clone(),
            voters: form.voters.clone(),
        };
        match ballots::create(&state, &principal, &input).await {
            Ok(id) => Ok(axum::response::IntoResponse::into_response(
                axum::response::Redirect::to(&format!("/ballots/{id}")),
            )),
            Err(e @ (DirectionError::Forbidden | DirectionError::Store(_))) => Err(e.into()),
            Err(e) => {
                let error = ctx.t.get(e.message_key()).to_string();
                list_page(&state, &ctx, StatusCode::BAD_REQUEST, form, Some(error)).await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "ballot.html")]
struct BallotPage<'a> {
    ctx: &'a PageCtx,
    b: Ballot,
    kind: String,
    state: String,
    opens: String,
    closes: String,
    threshold: String,
    can_vote: bool,
    voted: bool,
    outcome: Option<Outcome>,
    message: Option<String>,
    error: Option<String>,
}

async fn ballot_page(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let (b, participation) = ballots::visible(state, &principal, id).await?;
    let now = dieuhanh_core::time::now_us();
    let open = now >= b.opens_at_us && now < b.closes_at_us;
    let outcome = ballots::outcome(state, &b).await?;
    Ok(render(
        status,
        &BallotPage {
            ctx,
            kind: ctx.label("ballots.kind", &b.kind),
            state: state_label(ctx, &b),
            opens: format_datetime(b.opens_at_us),
            closes: format_datetime(b.closes_at_us),
            threshold: format!("{}", (b.threshold * 100.0).round()),
            can_vote: open && participation == Some(false),
            voted: participation == Some(true),
            outcome,
            b,
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
        ballot_page(&state, &ctx, id, StatusCode::OK, None, None).await,
    )
}

#[derive(serde::Deserialize)]
pub struct VoteForm {
    #[serde(default)]
    option: String,
}

pub async fn vote(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<VoteForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let option = form.option.trim().parse::<usize>().unwrap_or(usize::MAX);
        match ballots::vote(&state, &principal, id, option).await {
            Ok(()) => {
                let message = ctx.t.get("ballots.voted_now").to_string();
                ballot_page(&state, &ctx, id, StatusCode::OK, Some(message), None).await
            }
            Err(
                e @ (DirectionError::NotFound
                | DirectionError::Forbidden
                | DirectionError::Store(_)),
            ) => Err(e.into()),
            Err(e) => {
                let error = ctx.t.get(e.message_key()).to_string();
                ballot_page(&state, &ctx, id, StatusCode::BAD_REQUEST, None, Some(error)).await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

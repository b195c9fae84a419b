//! People search, limited to what the viewer's role and unit allow.

use super::{PageError, PageQuery, Pager, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::paging::Page;
use dieuhanh_core::policy::{self, Action};
use dieuhanh_store::users::{self, PeopleQuery, Person};

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage<'a> {
    ctx: &'a PageCtx,
    q: String,
    people: Vec<Person>,
    total: i64,
    pager: Pager,
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<Params>,
) -> Response {
    respond(&ctx, body(&state, &ctx, params).await)
}

async fn body(state: &AppState, ctx: &PageCtx, params: Params) -> Result<Response, PageError> {
    let viewer = ctx.require()?;
    let scope = policy::scope(&viewer.principal(), Action::ViewPeople);
    if scope == policy::Scope::Nothing {
        return Err(PageError::forbidden());
    }
    let page = Page::new(params.page, None)
        .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error.bad_page"))?;
    let query = PeopleQuery {
        text: Some(params.q.clone()),
        unit_id: None,
    };
    let (people, total) = users::search(&state.store, &scope, &query, page).await?;
    let pager = Pager::new(page, total, "/people", &[("q", &params.q)]);
    Ok(render(
        StatusCode::OK,
        &PeoplePage {
            ctx,
            q: params.q,
            people,
            total,
            pager,
        },
    ))
}

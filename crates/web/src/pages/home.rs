//! The home page: the province at a glance.

use super::{PageError, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::org::UnitKind;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ctx: &'a PageCtx,
    communal: i64,
    wards: i64,
    communes: i64,
    special_zones: i64,
    departments: i64,
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    respond(&ctx, body(&state, &ctx).await)
}

async fn body(state: &AppState, ctx: &PageCtx) -> Result<Response, PageError> {
    let counts = dieuhanh_store::units::count_by_kind(&state.store).await?;
    let n = |k: UnitKind| {
        counts
            .iter()
            .find(|(kind, _)| *kind == k)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let page = HomePage {
        ctx,
        wards: n(UnitKind::Ward),
        communes: n(UnitKind::Commune),
        special_zones: n(UnitKind::SpecialZone),
        departments: n(UnitKind::Department),
        communal: n(UnitKind::Ward) + n(UnitKind::Commune) + n(UnitKind::SpecialZone),
    };
    Ok(render(StatusCode::OK, &page))
}

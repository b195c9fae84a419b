//! Administrators edit the obstacle routing table: which department answers which
//! domain.

use super::{PageError, PageForm, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::org::UnitKind;
use dieuhanh_store::obstacles::{self, Route};

#[derive(Template)]
#[template(path = "admin_routes.html")]
struct RoutesPage<'a> {
    ctx: &'a PageCtx,
    routes: Vec<Route>,
    departments: Vec<(String, String)>,
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
    ctx.require_operator()?;
    let routes = obstacles::routes(&state.store).await?;
    let departments = dieuhanh_store::units::all_current(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Department)
        .map(|u| (u.code, u.name))
        .collect();
    Ok(render(
        status,
        &RoutesPage {
            ctx,
            routes,
            departments,
            message,
            error,
        },
    ))
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    respond(&ctx, page(&state, &ctx, StatusCode::OK, None, None).await)
}

#[derive(serde::Deserialize)]
pub struct RouteForm {
    #[serde(default)]
    domain: String,
    #[serde(default)]
    department: String,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<RouteForm>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let domain = form.domain.trim().to_lowercase();
        let department = dieuhanh_store::units::by_code(&state.store, form.department.trim())
            .await
            .ok()
            .filter(|u| u.kind == UnitKind::Department);
        let (Some(department), false) = (
            department,
            domain.is_empty() || domain.chars().count() > 200,
        ) else {
            return page(
                &state,
                &ctx,
                StatusCode::BAD_REQUEST,
                None,
                Some(ctx.t.get("routes.invalid").to_string()),
            )
            .await;
        };
        let mut tx = state.store.begin().await?;
        obstacles::set_route(&mut tx, &domain, department.id, actor).await?;
        tx.commit().await?;
        page(
            &state,
            &ctx,
            StatusCode::OK,
            Some(ctx.t.get("routes.saved").to_string()),
            None,
        )
        .await
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    domain: String,
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<DeleteForm>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let mut tx = state.store.begin().await?;
        obstacles::delete_route(&mut tx, &form.domain, actor).await?;
        tx.commit().await?;
        page(
            &state,
            &ctx,
            StatusCode::OK,
            Some(ctx.t.get("routes.deleted").to_string()),
            None,
        )
        .await
    }
    .await;
    respond(&ctx, result)
}

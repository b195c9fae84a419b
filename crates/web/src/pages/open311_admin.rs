//! Administrators issue and revoke Open311 API keys for integrators. A new key is shown
//! once; only its hash is kept.

use super::{PageError, PageForm, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::time::format_datetime;
use dieuhanh_store::citizen;

#[derive(Template)]
#[template(path = "admin_open311.html")]
struct KeysPage<'a> {
    ctx: &'a PageCtx,
    /// (id, label, created, revoked)
    keys: Vec<(i64, String, String, bool)>,
    endpoint: String,
    jurisdiction: String,
    new_key: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    new_key: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    ctx.require_operator()?;
    let keys = citizen::keys(&state.store)
        .await?
        .into_iter()
        .map(|k| (k.id, k.label, format_datetime(k.created_at_us), k.revoked))
        .collect();
    Ok(render(
        status,
        &KeysPage {
            ctx,
            keys,
            endpoint: format!("{}/open311/v2/", state.config.mailer.public_url),
            jurisdiction: state.config.open311_jurisdiction.clone(),
            new_key,
            error,
        },
    ))
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    respond(&ctx, page(&state, &ctx, StatusCode::OK, None, None).await)
}

#[derive(serde::Deserialize)]
pub struct AddForm {
    #[serde(default)]
    label: String,
}

pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<AddForm>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let label = form.label.trim();
        if label.is_empty() || label.chars().count() > 200 {
            let error = ctx.t.get("open311_admin.bad_label").to_string();
            return page(&state, &ctx, StatusCode::BAD_REQUEST, None, Some(error)).await;
        }
        let key = crate::security::random_token();
        let root = dieuhanh_store::units::root(&state.store).await?;
        let mut tx = state.store.begin().await?;
        citizen::add_key(&mut tx, label, &key, Some(actor), root.id).await?;
        tx.commit()
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        page(&state, &ctx, StatusCode::OK, Some(key), None).await
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    id: i64,
}

pub async fn revoke(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<RevokeForm>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let root = dieuhanh_store::units::root(&state.store).await?;
        let mut tx = state.store.begin().await?;
        if citizen::revoke_key(&mut tx, form.id, Some(actor), root.id)
            .await
            .is_err()
        {
            let error = ctx.t.get("open311_admin.no_key").to_string();
            return page(&state, &ctx, StatusCode::BAD_REQUEST, None, Some(error)).await;
        }
        tx.commit()
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        page(&state, &ctx, StatusCode::OK, None, None).await
    }
    .await;
    respond(&ctx, result)
}

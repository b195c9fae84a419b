//! Administrators set the terms the direction module works with: how many working days
//! a department has to answer an obstacle, and after how many days a unit not visited
//! by a leader is flagged. Each change is audited on the city.

use super::{PageError, PageForm, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_store::audit::{AuditEvent, append};
use dieuhanh_store::settings;
use serde_json::json;

/// The settings this page edits: (key, translation key of the label, allowed range).
const TERMS: [(&str, &str, std::ops::RangeInclusive<i64>); 2] = [
    ("obstacle_answer_days", "terms.obstacle_answer_days", 1..=60),
    ("visit_interval_days", "terms.visit_interval_days", 1..=365),
];

#[derive(Template)]
#[template(path = "admin_terms.html")]
struct TermsPage<'a> {
    ctx: &'a PageCtx,
    /// (key, label, current value, min, max)
    terms: Vec<(String, String, String, i64, i64)>,
    message: Option<String>,
    error: Option<String>,
}

async fn current(state: &AppState) -> [i64; 2] {
    [
        i64::from(crate::obstacles::answer_days(state).await),
        crate::visits::interval_days(state).await,
    ]
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let values = current(state).await;
    let terms = TERMS
        .iter()
        .zip(values)
        .map(|((key, label, range), value)| {
            (
                key.to_string(),
                ctx.t.get(label).to_string(),
                value.to_string(),
                *range.start(),
                *range.end(),
            )
        })
        .collect();
    Ok(render(
        status,
        &TermsPage {
            ctx,
            terms,
            message,
            error,
        },
    ))
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = async {
        ctx.require_operator()?;
        page(&state, &ctx, StatusCode::OK, None, None).await
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    obstacle_answer_days: String,
    #[serde(default)]
    visit_interval_days: String,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<TermsForm>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let entered = [&form.obstacle_answer_days, &form.visit_interval_days];
        let mut parsed = Vec::new();
        for ((key, label, range), text) in TERMS.iter().zip(entered) {
            match text
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|v| range.contains(v))
            {
                Some(v) => parsed.push((*key, v)),
                None => {
                    let error = ctx.t.fill(
                        "terms.invalid",
                        [
                            ("field", ctx.t.get(label)),
                            ("min", range.start().to_string().as_str()),
                            ("max", range.end().to_string().as_str()),
                        ],
                    );
                    return page(&state, &ctx, StatusCode::BAD_REQUEST, None, Some(error)).await;
                }
            }
        }
        let before = current(&state).await;
        let root = dieuhanh_store::units::root(&state.store).await?;
        let mut tx = state.store.begin().await?;
        for ((key, value), old) in parsed.iter().zip(before) {
            if *value == old {
                continue;
            }
            settings::set(&mut tx, key, &value.to_string()).await?;
            append(
                &mut tx,
                AuditEvent {
                    unit_id: root.id,
                    actor_id: Some(actor),
                    entity: "setting",
                    entity_id: key.to_string(),
                    action: "setting.set",
                    summary: json!({"before": {"value": old}, "after": {"value": value}}),
                },
            )
            .await?;
        }
        tx.commit()
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let message = ctx.t.get("terms.saved").to_string();
        page(&state, &ctx, StatusCode::OK, Some(message), None).await
    }
    .await;
    respond(&ctx, result)
}

//! The responsibility-gaps page for city leaders.

use super::{PageError, render, respond};
use crate::auth::PageCtx;
use crate::gaps::{self, Gap};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "gaps.html")]
struct GapsPage<'a> {
    ctx: &'a PageCtx,
    groups: Vec<(&'a str, Vec<Gap>)>,
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let found = gaps::find(&state, &principal)
            .await
            .map_err(PageError::from)?;
        let group = |kind: &str| {
            found
                .iter()
                .filter(|g| g.kind == kind)
                .cloned()
                .collect::<Vec<_>>()
        };
        let groups = vec![
            (
                ctx.t.get("gaps.obstacle_unrouted"),
                group("obstacle_unrouted"),
            ),
            (ctx.t.get("gaps.task_unassigned"), group("task_unassigned")),
            (
                ctx.t.get("gaps.key_position_vacant"),
                group("key_position_vacant"),
            ),
            (
                ctx.t.get("gaps.position_below_quota"),
                group("position_below_quota"),
            ),
            (ctx.t.get("gaps.rotation_due"), group("rotation_due")),
            (
                ctx.t.get("gaps.key_position_no_deputy"),
                group("key_position_no_deputy"),
            ),
            (
                ctx.t.get("gaps.report_without_units"),
                group("report_without_units"),
            ),
            (
                ctx.t.get("gaps.procedure_without_authority"),
                group("procedure_without_authority"),
            ),
            (
                ctx.t.get("gaps.unit_without_leader"),
                group("unit_without_leader"),
            ),
        ];
        Ok(render(StatusCode::OK, &GapsPage { ctx: &ctx, groups }))
    }
    .await;
    respond(&ctx, result)
}

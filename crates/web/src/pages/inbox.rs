//! Everyone's inbox: reminders before deadlines, escalations after them.

use super::{PageError, PageForm, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dieuhanh_store::notifications;

pub struct Row {
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub link: String,
    pub unit: String,
    pub due: String,
    pub when: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage<'a> {
    ctx: &'a PageCtx,
    items: Vec<Row>,
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = async {
        let user = ctx.require()?.user.id;
        let items = notifications::for_user(&state.store, user, 200)
            .await?
            .into_iter()
            .map(|n| Row {
                kind_label: ctx
                    .t
                    .get(if n.kind == "escalation" {
                        "inbox.escalation"
                    } else {
                        "inbox.reminder"
                    })
                    .to_string(),
                link: format!("/{}/{}", super::item_path(&n.item_kind), n.item_id),
                title: n.item_title,
                unit: n.unit_name,
                due: ctx.t.fill(
                    "inbox.due",
                    [(
                        "date",
                        dieuhanh_core::time::format_civil_date(&n.due_date).as_str(),
                    )],
                ),
                when: dieuhanh_core::time::format_datetime(n.created_at_us),
                read: n.read,
                kind: n.kind,
            })
            .collect();
        Ok::<_, PageError>(render(StatusCode::OK, &InboxPage { ctx: &ctx, items }))
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub async fn mark_read(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(_): PageForm<Empty>,
) -> Response {
    let result = async {
        let user = ctx.require()?.user.id;
        notifications::mark_all_read(&state.store, user).await?;
        Ok::<_, PageError>(Redirect::to("/inbox").into_response())
    }
    .await;
    respond(&ctx, result)
}

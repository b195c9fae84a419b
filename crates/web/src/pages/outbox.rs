//! Administrators see the e-mail outbox: what was sent, what waits (no SMTP server is
//! configured, or sending failed) and why.

use super::{render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::time::format_datetime;

pub struct MailRow {
    pub created: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub failed: bool,
    pub body: String,
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct OutboxPage<'a> {
    ctx: &'a PageCtx,
    smtp: bool,
    unsent: i64,
    rows: Vec<MailRow>,
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = async {
        ctx.require_operator()?;
        let (mails, unsent) = dieuhanh_store::outbox::recent(&state.store, 200).await?;
        let rows = mails
            .into_iter()
            .map(|m| {
                let status = match (m.sent_at_us, &m.last_error) {
                    (Some(at), _) => ctx
                        .t
                        .fill("outbox.sent_at", [("at", format_datetime(at).as_str())]),
                    (None, Some(e)) => ctx.t.fill(
                        "outbox.failed",
                        [
                            ("n", m.attempts.to_string().as_str()),
                            ("error", e.as_str()),
                        ],
                    ),
                    (None, None) => ctx.t.get("outbox.waiting").to_string(),
                };
                MailRow {
                    created: format_datetime(m.created_at_us),
                    to: m.to_address,
                    subject: m.subject,
                    failed: m.sent_at_us.is_none() && m.last_error.is_some(),
                    status,
                    body: m.body,
                }
            })
            .collect();
        Ok(render(
            StatusCode::OK,
            &OutboxPage {
                ctx: &ctx,
                smtp: state.config.mailer.sends(),
                unsent,
                rows,
            },
        ))
    }
    .await;
    respond(&ctx, result)
}

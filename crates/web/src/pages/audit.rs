//! The audit trail as a timeline, filtered to what the viewer may see.

use super::{PageError, PageQuery, Pager, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::paging::Page;
use dieuhanh_core::policy::{self, Action};
use dieuhanh_store::audit::{self, AuditFilter};

pub struct EntryView {
    pub iso: String,
    pub when: String,
    pub action_label: String,
    pub actor: String,
    pub unit_code: String,
    pub unit_name: String,
    pub entity: String,
    pub entity_id: String,
    pub summary: String,
    pub seq: i64,
    pub hash_short: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    ctx: &'a PageCtx,
    unit_name: Option<String>,
    entries: Vec<EntryView>,
    total: i64,
    pager: Pager,
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    entity_id: String,
    page: Option<i64>,
}

pub async fn timeline(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<Params>,
) -> Response {
    respond(&ctx, body(&state, &ctx, params).await)
}

async fn body(state: &AppState, ctx: &PageCtx, params: Params) -> Result<Response, PageError> {
    let viewer = ctx.require()?;
    let principal = viewer.principal();
    let scope = policy::scope(&principal, Action::ViewAudit);
    let page = Page::new(params.page, None)
        .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error.bad_page"))?;
    let mut filter = AuditFilter {
        entity: Some(params.entity.clone()).filter(|s| !s.is_empty()),
        entity_id: Some(params.entity_id.clone()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    let mut unit_name = None;
    if !params.unit.is_empty() {
        // Another unit's trail answers "not found", never a hint that it exists.
        let unit = dieuhanh_store::units::by_code(&state.store, &params.unit).await?;
        if !policy::allows(&principal, Action::ViewAudit, unit.id) {
            return Err(PageError::not_found());
        }
        filter.unit_id = Some(unit.id);
        unit_name = Some(unit.name);
    }
    let (entries, total) = audit::list(&state.store, &scope, &filter, page).await?;
    let system = ctx.t.get("audit.system");
    let entries = entries
        .into_iter()
        .map(|e| EntryView {
            iso: dieuhanh_core::time::format_rfc3339(e.at_us),
            when: dieuhanh_core::time::format_datetime(e.at_us),
            action_label: ctx.label("action", &e.action),
            actor: e.actor_name.unwrap_or_else(|| system.to_string()),
            unit_code: e.unit_code,
            unit_name: e.unit_name,
            entity: ctx.label("entity", &e.entity),
            entity_id: e.entity_id,
            summary: readable_summary(ctx, &e.summary),
            seq: e.seq,
            hash_short: e.hash.chars().take(12).collect(),
        })
        .collect();
    let pager = Pager::new(
        page,
        total,
        "/audit",
        &[
            ("unit", &params.unit),
            ("entity", &params.entity),
            ("entity_id", &params.entity_id),
        ],
    );
    Ok(render(
        StatusCode::OK,
        &AuditPage {
            ctx,
            unit_name,
            entries,
            total,
            pager,
        },
    ))
}

/// Turns a stored before/after summary (JSON) into translated `field: value` text,
/// with `before → after` where both are recorded.
fn readable_summary(ctx: &PageCtx, summary: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(summary)
    else {
        return summary.to_string();
    };
    let side = |name: &str| {
        map.get(name)
            .and_then(|v| v.as_object())
            .cloned()
            .unwrap_or_default()
    };
    let (before, after) = (side("before"), side("after"));
    let show = |field: &str, v: &serde_json::Value| match (field, v) {
        (_, serde_json::Value::Bool(b)) => ctx
            .t
            .get(if *b { "common.yes" } else { "common.no" })
            .to_string(),
        ("role", serde_json::Value::String(s)) => ctx.label("role", s),
        ("kind", serde_json::Value::String(s)) => ctx.label("kind", s),
        ("state", serde_json::Value::String(s)) => ctx.label("task_state", s),
        (_, serde_json::Value::Null) => "—".to_string(),
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    };
    let mut parts: Vec<String> = Vec::new();
    for (key, value) in &after {
        let name = ctx.label("field", key);
        match before.get(key) {
            Some(old) => parts.push(format!("{name}: {} → {}", show(key, old), show(key, value))),
            None => parts.push(format!("{name}: {}", show(key, value))),
        }
    }
    for (key, value) in map.iter().filter(|(k, _)| *k != "before" && *k != "after") {
        parts.push(format!("{}: {}", ctx.label("field", key), show(key, value)));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use crate::auth::PageCtx;
    use crate::i18n::Lang;

    fn ctx(lang: Lang) -> PageCtx {
        PageCtx {
            lang,
            t: lang.tr(),
            viewer: None,
            pending: None,
            csrf: String::new(),
            path: "/".into(),
            demo: false,
            unread: 0,
        }
    }

    #[test]
    fn summaries_read_as_translated_field_changes() {
        let vi = ctx(Lang::Vi);
        assert_eq!(
            super::readable_summary(
                &vi,
                r#"{"before":{"disabled":false},"after":{"disabled":true}}"#
            ),
            "Bị khóa: Không → Có"
        );
        assert_eq!(
            super::readable_summary(&vi, r#"{"after":{"role":"unit_officer"}}"#),
            "Vai trò: Cán bộ đơn vị"
        );
        let en = ctx(Lang::En);
        assert_eq!(
            super::readable_summary(&en, r#"{"after":{"kind":"ward","code":"26743"}}"#),
            "Code: 26743; Kind: Ward"
        );
        assert_eq!(super::readable_summary(&en, "{}"), "");
        assert_eq!(super::readable_summary(&en, "not json"), "not json");
    }
}

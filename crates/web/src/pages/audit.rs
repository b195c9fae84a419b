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
            action_label: action_label(ctx, &e.action),
            actor: e.actor_name.unwrap_or_else(|| system.to_string()),
            unit_code: e.unit_code,
            unit_name: e.unit_name,
            entity: e.entity,
            entity_id: e.entity_id,
            summary: readable_summary(&e.summary),
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

/// The translated label of an audit action code, or the code itself.
fn action_label(ctx: &PageCtx, action: &str) -> String {
    let key = format!("action.{action}");
    let label = ctx.t.get(&key);
    if label == key {
        action.to_string()
    } else {
        label.to_string()
    }
}

/// Turns a stored before/after summary (JSON) into `field: value` text, with
/// `before → after` where both are recorded.
fn readable_summary(summary: &str) -> String {
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
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut parts: Vec<String> = Vec::new();
    for (key, value) in &after {
        match before.get(key) {
            Some(old) => parts.push(format!("{key}: {} → {}", show(old), show(value))),
            None => parts.push(format!("{key}: {}", show(value))),
        }
    }
    for (key, value) in map.iter().filter(|(k, _)| *k != "before" && *k != "after") {
        parts.push(format!("{key}: {}", show(value)));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn summaries_read_as_field_changes() {
        assert_eq!(
            super::readable_summary(r#"{"before":{"disabled":false},"after":{"disabled":true}}"#),
            "disabled: false → true"
        );
        assert_eq!(
            super::readable_summary(r#"{"after":{"name":"Bến Thành"}}"#),
            "name: Bến Thành"
        );
        assert_eq!(super::readable_summary("{}"), "");
        assert_eq!(super::readable_summary("not json"), "not json");
    }
}

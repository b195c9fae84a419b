//! The audit trail, scoped by the caller's unit and role.

use super::extract::Query;
use super::{List, PageParams};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use dieuhanh_core::policy::{self, Action};
use dieuhanh_store::audit::{self, AuditFilter};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditEntryDto {
    pub unit_code: String,
    /// Position in the unit's hash chain, from 1.
    pub seq: i64,
    /// RFC 3339 with the +07:00 offset.
    pub at: String,
    pub actor: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// Before/after summary as JSON text.
    pub summary: String,
    pub hash: String,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this unit's chain (code).
    pub unit: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), security(("bearer" = [])),
    responses((status = 200, body = List<AuditEntryDto>), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(p): Query<AuditParams>,
) -> Result<Json<List<AuditEntryDto>>, ApiError> {
    let page = PageParams {
        page: p.page,
        page_size: p.page_size,
    }
    .page()?;
    let principal = caller.principal();
    let scope = policy::scope(&principal, Action::ViewAudit);
    let mut filter = AuditFilter {
        entity: p.entity,
        entity_id: p.entity_id,
        ..Default::default()
    };
    if let Some(code) = p.unit.filter(|c| !c.is_empty()) {
        let unit = dieuhanh_store::units::by_code(&state.store, &code).await?;
        if !policy::allows(&principal, Action::ViewAudit, unit.id) {
            return Err(ApiError::not_found("no such record"));
        }
        filter.unit_id = Some(unit.id);
    }
    let (entries, total) = audit::list(&state.store, &scope, &filter, page).await?;
    let items = entries
        .into_iter()
        .map(|e| AuditEntryDto {
            unit_code: e.unit_code,
            seq: e.seq,
            at: dieuhanh_core::time::format_rfc3339(e.at_us),
            actor: e.actor_name,
            entity: e.entity,
            entity_id: e.entity_id,
            action: e.action,
            summary: e.summary,
            hash: e.hash,
        })
        .collect();
    Ok(Json(List {
        items,
        total,
        page: page.page,
        page_size: page.size,
    }))
}

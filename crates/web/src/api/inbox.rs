//! The caller's notifications.

use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct NotificationDto {
    pub id: i64,
    /// `reminder` or `escalation`.
    pub kind: String,
    /// `task` or `obstacle`.
    pub item_kind: String,
    pub item_id: i64,
    pub title: String,
    pub unit_name: String,
    pub due_date: String,
    pub at: String,
    pub read: bool,
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "direction", security(("bearer" = [])),
    responses((status = 200, body = Vec<NotificationDto>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
) -> Result<Json<Vec<NotificationDto>>, ApiError> {
    let found = dieuhanh_store::notifications::for_user(&state.store, caller.user.id, 500).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|n| NotificationDto {
                id: n.id,
                kind: n.kind,
                item_kind: n.item_kind,
                item_id: n.item_id,
                title: n.item_title,
                unit_name: n.unit_name,
                due_date: n.due_date,
                at: dieuhanh_core::time::format_rfc3339(n.created_at_us),
                read: n.read,
            })
            .collect(),
    ))
}

//! The cockpit's figures for integrations (dashboards, reports).

use super::extract::Query;
use crate::auth::ApiUser;
use crate::cockpit::{self, Filter, Totals, UnitRow};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct CockpitDto {
    pub totals: Totals,
    pub items: Vec<UnitRow>,
    pub total: i64,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CockpitParams {
    /// `ward`, `commune` or `special_zone`.
    pub kind: Option<String>,
    /// Province before the 2025 merger, e.g. `Bình Dương`.
    pub old_province: Option<String>,
    /// `red_flags` (default), `overdue`, `on_time_rate` or `name`.
    pub sort: Option<String>,
    /// Only units this leader (user id) is in charge of.
    pub leader: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/cockpit", tag = "direction", params(CockpitParams), security(("bearer" = [])),
    responses((status = 200, body = CockpitDto), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(q): Query<CockpitParams>,
) -> Result<Json<CockpitDto>, ApiError> {
    cockpit::require(&caller.principal())?;
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) if ["ward", "commune", "special_zone"].contains(&k) => Some(k.to_string()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_kind",
                "kind must be ward, commune or special_zone",
            ));
        }
        None => None,
    };
    let sort = q.sort.unwrap_or_else(|| "red_flags".into());
    if !cockpit::SORTS.contains(&sort.as_str()) {
        return Err(ApiError::bad_request(
            "invalid_sort",
            "sort must be red_flags, overdue, on_time_rate or name",
        ));
    }
    let filter = Filter {
        kind,
        old_province: q.old_province.filter(|p| !p.is_empty()),
        leader: q.leader,
        sort,
    };
    let (items, totals, _) = cockpit::rows(&state, &filter).await?;
    Ok(Json(CockpitDto {
        total: items.len() as i64,
        totals,
        items,
    }))
}

#[utoipa::path(get, path = "/api/v1/gaps", tag = "direction", security(("bearer" = [])),
    responses((status = 200, body = Vec<crate::gaps::Gap>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn gaps(
    State(state): State<AppState>,
    caller: ApiUser,
) -> Result<Json<Vec<crate::gaps::Gap>>, ApiError> {
    Ok(Json(crate::gaps::find(&state, &caller.principal()).await?))
}

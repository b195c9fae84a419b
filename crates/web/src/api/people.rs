//! People, scoped by the caller's unit and role.

use super::extract::Query;
use super::{List, PageParams};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use dieuhanh_core::policy::{self, Action, Scope};
use dieuhanh_store::users::{self, PeopleQuery};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub title: Option<String>,
    pub role: String,
    pub unit_code: String,
    pub unit_name: String,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleParams {
    /// Name or username, matched without diacritics.
    pub q: Option<String>,
    /// Only people of this unit (code).
    pub unit: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleParams), security(("bearer" = [])),
    responses((status = 200, body = List<PersonDto>), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiUser,
    Query(p): Query<PeopleParams>,
) -> Result<Json<List<PersonDto>>, ApiError> {
    let page = PageParams {
        page: p.page,
        page_size: p.page_size,
    }
    .page()?;
    let principal = caller.principal();
    let scope = policy::scope(&principal, Action::ViewPeople);
    if scope == Scope::Nothing {
        return Err(ApiError::forbidden());
    }
    let mut query = PeopleQuery {
        text: p.q,
        unit_id: None,
    };
    if let Some(code) = p.unit.filter(|c| !c.is_empty()) {
        let unit = dieuhanh_store::units::by_code(&state.store, &code).await?;
        if !scope.includes_unit(unit.id) {
            return Err(ApiError::not_found("no such record"));
        }
        query.unit_id = Some(unit.id);
    }
    let (people, total) = users::search(&state.store, &scope, &query, page).await?;
    let items = people
        .into_iter()
        .map(|p| PersonDto {
            id: p.id,
            username: p.username,
            full_name: p.full_name,
            title: p.title,
            role: p.role.as_str().to_string(),
            unit_code: p.unit_code,
            unit_name: p.unit_name,
        })
        .collect();
    Ok(Json(List {
        items,
        total,
        page: page.page,
        page_size: page.size,
    }))
}

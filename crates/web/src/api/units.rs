//! The unit register: public reference data (names, codes, kinds, boundaries lookup).

use super::extract::Query;
use super::{List, PageParams};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dieuhanh_core::geography::Coordinate;
use dieuhanh_core::org::UnitKind;
use dieuhanh_store::units::{self, Unit, UnitQuery};
use serde::Serialize;

/// A unit of the organisation.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitDto {
    /// Official code (Decision 19/2025/QĐ-TTg for communal units, a slug for departments).
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// `city`, `province`, `department`, `ward`, `commune` or `special_zone`.
    pub kind: String,
    pub parent_code: Option<String>,
    pub province_code: String,
    /// Province before the 2025 merger (HCMC units).
    pub old_province: Option<String>,
    /// Departments: their state-management domains.
    pub domains: Option<String>,
    /// First day in force, `YYYY-MM-DD`.
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub has_boundary: bool,
}

pub(crate) fn dto(state: &AppState, u: Unit, parent_code: Option<String>) -> UnitDto {
    let has_boundary = state
        .geography
        .as_ref()
        .is_some_and(|g| g.index.codes().any(|c| c == u.code));
    UnitDto {
        has_boundary,
        code: u.code,
        name: u.name,
        name_en: u.name_en,
        kind: u.kind.as_str().to_string(),
        parent_code,
        province_code: u.province_code,
        old_province: u.old_province,
        domains: u.domains,
        valid_from: u.valid_from,
        valid_to: u.valid_to,
    }
}

async fn with_parent(state: &AppState, units: Vec<Unit>) -> Result<Vec<UnitDto>, ApiError> {
    let root = units::root(&state.store).await.ok();
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        let parent_code = match (u.parent_id, &root) {
            (None, _) => None,
            (Some(id), Some(r)) if r.id == id => Some(r.code.clone()),
            (Some(id), _) => Some(units::by_id(&state.store, id).await?.code),
        };
        out.push(dto(state, u, parent_code));
    }
    Ok(out)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Free text, matched without diacritics (`ben thanh` finds Phường Bến Thành), or a code.
    pub q: Option<String>,
    /// Restrict to one kind.
    pub kind: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(ListQuery),
    responses((status = 200, body = List<UnitDto>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<List<UnitDto>>, ApiError> {
    let page = PageParams {
        page: q.page,
        page_size: q.page_size,
    }
    .page()?;
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(UnitKind::parse(k).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_kind",
                "kind must be one of city, province, department, ward, commune, special_zone",
            )
        })?),
        None => None,
    };
    let (found, total) = units::search(&state.store, &UnitQuery { text: q.q, kind }, page).await?;
    Ok(Json(List {
        items: with_parent(&state, found).await?,
        total,
        page: page.page,
        page_size: page.size,
    }))
}

#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    params(("code" = String, Path, description = "Unit code")),
    responses((status = 200, body = UnitDto), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<UnitDto>, ApiError> {
    let unit = units::by_code(&state.store, &code)
        .await
        .map_err(|e| match e {
            dieuhanh_store::StoreError::NotFound => {
                ApiError::not_found(format!("no unit with code {code}"))
            }
            other => other.into(),
        })?;
    Ok(Json(with_parent(&state, vec![unit]).await?.remove(0)))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtQuery {
    /// Latitude, WGS 84 decimal degrees.
    pub lat: Option<String>,
    /// Longitude, WGS 84 decimal degrees.
    pub lon: Option<String>,
}

fn parse_coordinate(value: Option<&str>, name: &str) -> Result<f64, ApiError> {
    let raw = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "missing_coordinate",
                format!("query parameter {name} is required"),
            )
        })?;
    raw.parse::<f64>().map_err(|_| {
        ApiError::bad_request(
            "invalid_coordinate",
            format!("{name} must be a decimal number, got {raw:?}"),
        )
    })
}

#[utoipa::path(get, path = "/api/v1/units/at", tag = "units", params(AtQuery),
    responses((status = 200, body = UnitDto, description = "The unit containing the point"),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody, description = "Outside every unit")))]
pub async fn at(
    State(state): State<AppState>,
    Query(q): Query<AtQuery>,
) -> Result<Json<UnitDto>, ApiError> {
    let lat = parse_coordinate(q.lat.as_deref(), "lat")?;
    let lon = parse_coordinate(q.lon.as_deref(), "lon")?;
    let point = Coordinate::new(lat, lon)
        .map_err(|e| ApiError::bad_request("invalid_coordinate", e.to_string()))?;
    let geo = state.geography.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_boundaries",
            "no unit boundaries are loaded for this installation",
        )
    })?;
    let code = geo.index.locate(point).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "outside_area",
            format!("the point ({lat}, {lon}) is not inside any unit of this province"),
        )
    })?;
    let unit = units::by_code(&state.store, code).await?;
    Ok(Json(with_parent(&state, vec![unit]).await?.remove(0)))
}

//! The JSON API under `/api/v1`, authenticated by bearer tokens (never by the session
//! cookie, so it needs no CSRF token), described by the OpenAPI document.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod citizen;
pub mod cockpit;
pub mod direction;
pub mod dossiers;
pub mod extract;
pub mod files;
pub mod inbox;
pub mod obstacles;
pub mod openapi;
pub mod people;
pub mod reports;
pub mod units;
pub mod visits;

use serde::Serialize;

/// A page of a list: `{"items": [...], "total": n}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct List<T: utoipa::ToSchema> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// Query parameters shared by lists.
#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page, 1 to 500 (default 50).
    pub page_size: Option<i64>,
}

impl PageParams {
    pub fn page(&self) -> Result<dieuhanh_core::paging::Page, crate::error::ApiError> {
        dieuhanh_core::paging::Page::new(self.page, self.page_size)
            .map_err(|e| crate::error::ApiError::bad_request("invalid_paging", e.to_string()))
    }
}

/// A numeric id from the path; anything else names no record.
pub(crate) fn path_id(raw: &str) -> Result<i64, crate::error::ApiError> {
    raw.parse()
        .map_err(|_| crate::error::ApiError::not_found("no such record"))
}

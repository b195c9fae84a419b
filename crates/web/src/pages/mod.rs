//! Server-rendered HTML pages. Each module owns one area; this one holds what they
//! share: rendering, redirects, error pages and display helpers.

pub mod account;
pub mod admin;
pub mod audit;
pub mod ballots;
pub mod calendar;
pub mod citizen;
pub mod cockpit;
pub mod competence_admin;
pub mod direction;
pub mod dossiers;
pub mod files;
pub mod gaps;
pub mod home;
pub mod inbox;
pub mod login;
pub mod map;
pub mod obstacles;
pub mod open311_admin;
pub mod outbox;
pub mod people;
pub mod portal;
pub mod procedures_admin;
pub mod reports;
pub mod routes_admin;
pub mod services;
pub mod settings_admin;
pub mod staffing;
pub mod staffing_xlsx;
pub mod statistics;
pub mod units;
pub mod visits;

use crate::auth::{PageCtx, Viewer};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dieuhanh_core::org::UnitKind;
use dieuhanh_core::policy::Role;

/// Renders a template, or a plain 500 if rendering itself fails.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageCtx,
    title: &'a str,
    message: &'a str,
}

/// A page-level failure, rendered in the user's language.
pub enum PageError {
    /// Not signed in: go to the login page and come back.
    Login(String),
    Status(StatusCode, &'static str),
    Internal(String),
}

impl PageError {
    pub fn not_found() -> Self {
        PageError::Status(StatusCode::NOT_FOUND, "error.not_found")
    }
    pub fn forbidden() -> Self {
        PageError::Status(StatusCode::FORBIDDEN, "error.forbidden")
    }
    pub fn into_response(self, ctx: &PageCtx) -> Response {
        match self {
            PageError::Login(next) => {
                Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response()
            }
            PageError::Status(status, key) => error_page(ctx, status, key),
            PageError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                error_page(ctx, StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
            }
        }
    }
}

impl From<dieuhanh_store::StoreError> for PageError {
    fn from(e: dieuhanh_store::StoreError) -> Self {
        match e {
            dieuhanh_store::StoreError::NotFound => PageError::not_found(),
            other => PageError::Internal(other.to_string()),
        }
    }
}

pub fn error_page(ctx: &PageCtx, status: StatusCode, key: &'static str) -> Response {
    let title_key = match status {
        StatusCode::NOT_FOUND => "error.not_found_title",
        StatusCode::FORBIDDEN => "error.forbidden_title",
        StatusCode::TOO_MANY_REQUESTS => "error.too_many_title",
        s if s.is_client_error() => "error.bad_request_title",
        _ => "error.internal_title",
    };
    render(
        status,
        &ErrorPage {
            ctx,
            title: ctx.t.get(title_key),
            message: ctx.t.get(key),
        },
    )
}

/// The first segment of the page of a work item of `kind`.
pub fn item_path(kind: &str) -> &'static str {
    match kind {
        "obstacle" => "obstacles",
        "report" => "reports",
        "citizen_report" => "citizen-reports",
        _ => "tasks",
    }
}

/// An Excel workbook to download.
pub fn xlsx_response(file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Runs a page handler body, turning its error into the right response.
pub fn respond(ctx: &PageCtx, result: Result<Response, PageError>) -> Response {
    result.unwrap_or_else(|e| e.into_response(ctx))
}

impl PageCtx {
    pub fn require(&self) -> Result<&Viewer, PageError> {
        self.viewer
            .as_ref()
            .ok_or_else(|| PageError::Login(self.path.clone()))
    }

    /// A label from the translations, `prefix.code`, or the code itself when the code is
    /// not translated (e.g. a state added later).
    pub fn label(&self, prefix: &str, code: &str) -> String {
        let key = format!("{prefix}.{code}");
        let text = self.t.get(&key);
        if text == key {
            code.to_string()
        } else {
            text.to_string()
        }
    }

    /// City leaders and administrators see the cockpit.
    pub fn sees_cockpit(&self) -> bool {
        self.viewer
            .as_ref()
            .is_some_and(|v| crate::cockpit::require(&v.principal()).is_ok())
    }

    /// The signed-in operator (system administrator) acting, or "forbidden".
    pub fn require_operator(&self) -> Result<i64, PageError> {
        let viewer = self.require()?;
        let principal = viewer.principal();
        if dieuhanh_core::policy::allows_global(&principal, dieuhanh_core::policy::Action::Operate)
        {
            Ok(viewer.user.id)
        } else {
            Err(PageError::forbidden())
        }
    }

    pub fn is_admin(&self) -> bool {
        self.viewer
            .as_ref()
            .is_some_and(|v| v.user.role == Role::SystemAdmin)
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|x| x.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// A redirect target from a form or query, limited to this site's paths: a single
/// leading `/` followed only by URL-safe characters (no control characters, spaces or
/// backslashes that browsers strip or reinterpret), never `//host`.
pub fn safe_next(next: &str) -> String {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/_.~%?=&-+:,".contains(c);
    if next.starts_with('/') && !next.starts_with("//") && next.chars().all(allowed) {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub fn kind_key(kind: &UnitKind) -> &'static str {
    match kind {
        UnitKind::City => "kind.city",
        UnitKind::Province => "kind.province",
        UnitKind::Department => "kind.department",
        UnitKind::Ward => "kind.ward",
        UnitKind::Commune => "kind.commune",
        UnitKind::SpecialZone => "kind.special_zone",
    }
}

pub fn role_key(role: &Role) -> &'static str {
    match role {
        Role::SystemAdmin => "role.system_admin",
        Role::CityLeader => "role.city_leader",
        Role::DepartmentOfficer => "role.department_officer",
        Role::UnitLeader => "role.unit_leader",
        Role::UnitOfficer => "role.unit_officer",
        Role::Citizen => "role.citizen",
    }
}

/// Paging links for list pages.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    /// The path and query without `page`.
    pub base: String,
}

impl Pager {
    pub fn new(
        page: dieuhanh_core::paging::Page,
        total: i64,
        path: &str,
        params: &[(&str, &str)],
    ) -> Pager {
        let query: Vec<(&str, &str)> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .copied()
            .collect();
        let qs = serde_urlencoded::to_string(&query).unwrap_or_default();
        Pager {
            page: page.page,
            pages: ((total + page.size - 1) / page.size).max(1),
            base: if qs.is_empty() {
                format!("{path}?")
            } else {
                format!("{path}?{qs}&")
            },
        }
    }

    pub fn link(&self, page: i64) -> String {
        format!("{}page={page}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        for good in [
            "/",
            "/units?q=ben+thanh&kind=",
            "/audit?unit=26743",
            "/people?q=%C4%91",
        ] {
            assert_eq!(safe_next(good), good);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\tevil",
            "/\t/evil.example",
            "/\n/evil",
            "https://evil.example",
            "evil",
            "/ /x",
            "/\u{0}",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}

impl From<dieuhanh_store::DbError> for PageError {
    fn from(e: dieuhanh_store::DbError) -> Self {
        PageError::Internal(e.to_string())
    }
}

/// Query parameters of a page. Malformed ones (e.g. `page=abc`) answer a 400 page in
/// the user's language instead of axum's plain-text rejection.
pub struct PageQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<crate::state::AppState>
    for PageQuery<T>
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        match serde_urlencoded::from_str::<T>(parts.uri.query().unwrap_or("")) {
            Ok(value) => Ok(PageQuery(value)),
            Err(_) => {
                let ctx = PageCtx::from_request_parts(parts, state)
                    .await
                    .unwrap_or_else(|e| match e {});
                Err(error_page(&ctx, StatusCode::BAD_REQUEST, "error.bad_query"))
            }
        }
    }
}

/// A submitted form. A body that is not a valid form of the expected shape answers a
/// 400 page in the user's language instead of axum's plain-text rejection.
pub struct PageForm<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> axum::extract::FromRequest<crate::state::AppState>
    for PageForm<T>
{
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let is_form = parts
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let parsed = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
            Ok(bytes) if is_form => serde_urlencoded::from_bytes::<T>(&bytes).ok(),
            _ => None,
        };
        match parsed {
            Some(value) => Ok(PageForm(value)),
            None => {
                let ctx = <PageCtx as axum::extract::FromRequestParts<_>>::from_request_parts(
                    &mut parts, state,
                )
                .await
                .unwrap_or_else(|e| match e {});
                Err(error_page(&ctx, StatusCode::BAD_REQUEST, "error.bad_form"))
            }
        }
    }
}

/// A path parameter; one that does not parse (e.g. a non-numeric id) is "not found".
pub struct PagePath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<crate::state::AppState>
    for PagePath<T>
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PagePath(value)),
            Err(_) => {
                let ctx = PageCtx::from_request_parts(parts, state)
                    .await
                    .unwrap_or_else(|e| match e {});
                Err(error_page(&ctx, StatusCode::NOT_FOUND, "error.not_found"))
            }
        }
    }
}

//! Cross-cutting request handling: CSRF enforcement, the anonymous cookie that CSRF
//! tokens bind to before login, request metrics, and the not-found fallback.

use crate::auth::{ANON_COOKIE, AnonBinding, PageCtx, SESSION_COOKIE, cookie, csrf_binding};
use crate::pages::error_page;
use crate::security::{csrf, random_token};
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use std::time::Instant;

/// Machine interfaces authenticated without cookies (bearer tokens, Open311 API keys):
/// no CSRF token applies.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/open311/")
}

/// Ensures a browser without a session has an anonymous cookie for CSRF binding.
pub async fn anon_cookie(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let needs = !is_api(req.uri().path())
        && jar.get(SESSION_COOKIE).is_none()
        && jar.get(ANON_COOKIE).is_none();
    if !needs {
        return next.run(req).await;
    }
    let value = random_token();
    req.extensions_mut().insert(AnonBinding(value.clone()));
    let mut response = next.run(req).await;
    let c = cookie(ANON_COOKIE, value, state.config.tls, None);
    if let Ok(v) = c.to_string().parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Refuses unsafe requests to pages that lack a valid CSRF token or that the browser
/// marks as cross-site. The API (bearer tokens, no cookies) is exempt.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_api(req.uri().path()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let cross_site = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    let jar = CookieJar::from_headers(&parts.headers);
    let binding = csrf_binding(&parts, &jar);
    let from_header = parts
        .headers
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_multipart = content_type.starts_with("multipart/form-data");
    let limit = if is_multipart {
        crate::UPLOAD_BODY_BYTES
    } else {
        state.config.max_body_bytes
    };
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            let ctx = PageCtx::from_request_parts(&mut parts, &state)
                .await
                .unwrap_or_else(|e| match e {});
            return error_page(&ctx, StatusCode::PAYLOAD_TOO_LARGE, "error.too_large");
        }
    };
    let presented = match from_header {
        Some(token) => Some(token),
        None if is_form => csrf::from_form_body(&bytes),
        None if is_multipart => multipart_token(&content_type, bytes.clone()).await,
        None => None,
    };
    let valid = !cross_site && presented.is_some_and(|t| csrf::verify(&state.keys, &binding, &t));
    if !valid {
        let ctx = PageCtx::from_request_parts(&mut parts, &state)
            .await
            .unwrap_or_else(|e| match e {});
        return error_page(&ctx, StatusCode::FORBIDDEN, "error.csrf");
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The `csrf` field of a multipart form (file uploads), read from the buffered body.
async fn multipart_token(content_type: &str, bytes: axum::body::Bytes) -> Option<String> {
    use axum::extract::FromRequest;
    let request = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .ok()?;
    let mut form = axum::extract::Multipart::from_request(request, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

/// Counts requests and their latency per route template and status.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Unknown paths: a JSON error for the API, a page otherwise.
pub async fn not_found(State(state): State<AppState>, req: Request) -> Response {
    if is_api(req.uri().path()) {
        return crate::error::ApiError::not_found(format!(
            "no route {} {}",
            req.method(),
            req.uri().path()
        ))
        .into_response();
    }
    let (mut parts, _) = req.into_parts();
    let ctx = PageCtx::from_request_parts(&mut parts, &state)
        .await
        .unwrap_or_else(|e| match e {});
    error_page(&ctx, StatusCode::NOT_FOUND, "error.not_found")
}

//! Who is asking: browser sessions (cookies) for pages, bearer tokens for the API.

use crate::error::ApiError;
use crate::i18n::{Lang, Tr};
use crate::security::{csrf, token_hash};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dieuhanh_core::policy::Principal;
use dieuhanh_store::sessions::{self, Session};
use dieuhanh_store::units::Unit;
use dieuhanh_store::users::{self, User};

pub const SESSION_COOKIE: &str = "dh_session";
pub const ANON_COOKIE: &str = "dh_anon";
pub const LANG_COOKIE: &str = "dh_lang";

/// Value of the anonymous cookie set by the middleware for this request.
#[derive(Clone)]
pub struct AnonBinding(pub String);

/// A signed-in official or citizen.
#[derive(Clone)]
pub struct Viewer {
    pub user: User,
    pub unit: Unit,
    pub session: Session,
}

impl Viewer {
    pub fn principal(&self) -> Principal {
        principal_of(&self.user)
    }
}

pub fn principal_of(user: &User) -> Principal {
    Principal {
        user_id: user.id,
        role: user.role,
        unit_id: user.unit_id,
    }
}

/// Everything a page needs about the request: language, viewer, CSRF token.
#[derive(Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub t: Tr,
    pub viewer: Option<Viewer>,
    /// A session whose password step passed but which still needs TOTP (or enrolment).
    pub pending: Option<(Session, User)>,
    pub csrf: String,
    pub path: String,
    pub demo: bool,
    /// Unread notifications of the viewer.
    pub unread: i64,
}

/// Vietnamese unless the person chose English with the switch (a cookie). The
/// browser's Accept-Language is not consulted: officials' machines are often set to
/// English, and the product is Vietnamese first.
pub fn lang_of(jar: &CookieJar) -> Lang {
    jar.get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .unwrap_or_default()
}

/// Loads a live session and its user, enforcing idle and absolute expiry.
pub async fn live_session(state: &AppState, token: &str) -> Option<(Session, User)> {
    let hash = token_hash(token);
    let session = sessions::get(&state.store, &hash).await.ok()??;
    let now = dieuhanh_core::time::now_us();
    let idle = state.config.session_idle.as_micros() as i64;
    let absolute = state.config.session_absolute.as_micros() as i64;
    if now - session.last_seen_us > idle || now - session.created_at_us > absolute {
        if let Ok(mut tx) = state.store.begin().await {
            let _ = sessions::delete(&mut tx, &hash).await;
            let _ = tx.commit().await;
        }
        return None;
    }
    let user = users::by_id(&state.store, session.user_id).await.ok()?;
    if user.disabled {
        return None;
    }
    // Record activity at most once a minute: a write per request would be wasteful.
    if now - session.last_seen_us > 60_000_000 {
        let _ = sessions::touch(&state.store, &hash, now).await;
    }
    Some((session, user))
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = lang_of(&jar);
        let mut viewer = None;
        let mut pending = None;
        let session_token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
        if let Some(token) = &session_token
            && let Some((session, user)) = live_session(state, token).await
        {
            if session.mfa_pending {
                pending = Some((session, user));
            } else if let Ok(unit) = dieuhanh_store::units::by_id(&state.store, user.unit_id).await
            {
                viewer = Some(Viewer {
                    user,
                    unit,
                    session,
                });
            }
        }
        let binding = csrf_binding(parts, &jar);
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let unread = match &viewer {
            Some(v) => dieuhanh_store::notifications::unread_count(&state.store, v.user.id)
                .await
                .unwrap_or(0),
            None => 0,
        };
        Ok(PageCtx {
            lang,
            t: lang.tr(),
            viewer,
            pending,
            csrf: csrf::token_for(&state.keys, &binding),
            path,
            demo: state.config.demo,
            unread,
        })
    }
}

/// What the CSRF token of this browser is bound to: its session cookie if it has one,
/// otherwise its anonymous cookie (possibly set on this very response).
pub fn csrf_binding(parts: &Parts, jar: &CookieJar) -> String {
    jar.get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .or_else(|| jar.get(ANON_COOKIE).map(|c| c.value().to_string()))
        .or_else(|| parts.extensions.get::<AnonBinding>().map(|a| a.0.clone()))
        .unwrap_or_default()
}

/// An HttpOnly, SameSite=Lax cookie for the whole site; `max_age_secs` None = session cookie.
pub fn cookie(
    name: &'static str,
    value: String,
    tls: bool,
    max_age_secs: Option<i64>,
) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_path("/");
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(tls);
    if let Some(secs) = max_age_secs {
        c.set_max_age(time::Duration::seconds(secs));
    }
    c
}

/// An API caller authenticated by a bearer token.
#[derive(Clone)]
pub struct ApiUser {
    pub user: User,
}

impl ApiUser {
    pub fn principal(&self) -> Principal {
        principal_of(&self.user)
    }
}

pub async fn api_user(parts: &Parts, state: &AppState) -> Result<Option<ApiUser>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(ApiError::unauthorized)?;
    let now = dieuhanh_core::time::now_us();
    let found = dieuhanh_store::tokens::find_live(&state.store, &token_hash(token), now)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(ApiError::unauthorized)?;
    let user = users::by_id(&state.store, found.user_id)
        .await
        .map_err(ApiError::from)?;
    if user.disabled {
        return Err(ApiError::unauthorized());
    }
    Ok(Some(ApiUser { user }))
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        api_user(parts, state)
            .await?
            .ok_or_else(ApiError::unauthorized)
    }
}

/// A bearer token if one was given; anonymous otherwise (public endpoints).
pub struct MaybeApiUser(pub Option<ApiUser>);

impl FromRequestParts<AppState> for MaybeApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeApiUser(api_user(parts, state).await?))
    }
}

/// The client's address (the login throttle's key, and who may scrape metrics). Behind
/// a reverse proxy, set `client_ip_header` so the proxy's own address is not taken for
/// every client's; the last address in the header is the one the proxy appended.
pub struct ConnectAddr(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ConnectAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        let forwarded = state.config.client_ip_header.as_deref().and_then(|name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse().ok())
        });
        Ok(ConnectAddr(forwarded.unwrap_or(peer)))
    }
}

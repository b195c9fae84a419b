//! Signing in (password, then TOTP where enrolled or required), signing out, and the
//! language switch.

use super::{PageError, PageForm, PageQuery, render, respond, safe_next};
use crate::auth::{ConnectAddr, LANG_COOKIE, PageCtx, SESSION_COOKIE, cookie};
use crate::i18n::Lang;
use crate::security::{keys::Keys, random_token, token_hash, totp};
use crate::state::AppState;
use askama::Template;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use dieuhanh_store::users::{self, User};
use dieuhanh_store::{audit, sessions};
use serde_json::json;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    ctx: &'a PageCtx,
    error: Option<String>,
    username: String,
    next: String,
}

#[derive(serde::Deserialize, Default)]
pub struct NextParam {
    #[serde(default)]
    next: String,
}

pub async fn form(ctx: PageCtx, PageQuery(params): PageQuery<NextParam>) -> Response {
    if ctx.viewer.is_some() {
        return Redirect::to(&after_login(&params.next)).into_response();
    }
    render(
        StatusCode::OK,
        &LoginPage {
            ctx: &ctx,
            error: None,
            username: String::new(),
            next: params.next,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// What the password step concluded.
pub enum PasswordOutcome {
    Accepted(User),
    Rejected,
    Throttled(std::time::Duration),
}

/// Checks a username and password under the login throttle, auditing failures against
/// a known account. Shared by the login page and the API.
pub async fn check_password(
    state: &AppState,
    addr: std::net::IpAddr,
    username: &str,
    password: &str,
) -> PasswordOutcome {
    let username = username.trim();
    if let Err(wait) = state.throttle.check(username, addr) {
        return PasswordOutcome::Throttled(wait);
    }
    let user = users::by_username(&state.store, username).await.ok();
    // Verify against a real hash even for unknown accounts, so timing reveals nothing.
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => state.passwords.dummy_hash().await,
    };
    let ok = state.passwords.verify(password, &hash).await;
    match user {
        Some(u) if ok && !u.disabled => PasswordOutcome::Accepted(u),
        Some(u) => {
            if let Ok(mut tx) = state.store.begin().await {
                let event = audit::AuditEvent {
                    unit_id: u.unit_id,
                    actor_id: None,
                    entity: "user",
                    entity_id: u.id.to_string(),
                    action: "session.login_failed",
                    summary: json!({"address": addr.to_string()}),
                };
                if audit::append(&mut tx, event).await.is_ok() {
                    let _ = tx.commit().await;
                }
            }
            PasswordOutcome::Rejected
        }
        None => PasswordOutcome::Rejected,
    }
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    ConnectAddr(addr): ConnectAddr,
    jar: CookieJar,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let next = after_login(&form.next);
    let fail = |status: StatusCode, message: String| {
        render(
            status,
            &LoginPage {
                ctx: &ctx,
                error: Some(message),
                username: form.username.clone(),
                next: next.clone(),
            },
        )
    };
    let user = match check_password(&state, addr, &form.username, &form.password).await {
        PasswordOutcome::Accepted(u) => u,
        PasswordOutcome::Rejected => {
            return fail(
                StatusCode::UNAUTHORIZED,
                ctx.t.get("login.failed").to_string(),
            );
        }
        PasswordOutcome::Throttled(wait) => {
            let secs = wait.as_secs().max(1).to_string();
            return fail(
                StatusCode::TOO_MANY_REQUESTS,
                ctx.t.fill("login.throttled", [("seconds", secs.as_str())]),
            );
        }
    };
    let needs_second_step =
        user.totp_secret.is_some() || (user.role.requires_totp() && !state.config.demo);
    match start_session(&state, &user, needs_second_step, jar).await {
        Ok(jar) => {
            let to = if needs_second_step {
                format!("/login/totp?next={}", super::urlencode(&next))
            } else {
                next
            };
            (jar, Redirect::to(&to)).into_response()
        }
        Err(e) => e.into_response(&ctx),
    }
}

/// Where to go after signing in: the requested page, but never back to a login page.
fn after_login(next: &str) -> String {
    let next = safe_next(next);
    if next.starts_with("/login") {
        "/".to_string()
    } else {
        next
    }
}

/// Creates a session (a new token: sessions are never reused across logins), replacing
/// the browser's previous one, and audits it.
async fn start_session(
    state: &AppState,
    user: &User,
    mfa_pending: bool,
    jar: CookieJar,
) -> Result<CookieJar, PageError> {
    let token = random_token();
    let mut tx = state.store.begin().await?;
    if let Some(old) = jar.get(SESSION_COOKIE) {
        sessions::delete(&mut tx, &token_hash(old.value())).await?;
    }
    sessions::create(
        &mut tx,
        &token_hash(&token),
        user.id,
        user.unit_id,
        mfa_pending,
    )
    .await?;
    let action = if mfa_pending {
        "session.password_ok"
    } else {
        "session.login"
    };
    audit::append(
        &mut tx,
        audit::AuditEvent {
            unit_id: user.unit_id,
            actor_id: Some(user.id),
            entity: "user",
            entity_id: user.id.to_string(),
            action,
            summary: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(jar.add(cookie(SESSION_COOKIE, token, state.config.tls, None)))
}

pub struct Enrolment {
    pub secret: String,
    pub sealed: String,
    pub qr_svg: String,
}

/// A fresh TOTP secret to enrol, sealed for the round trip through the form.
pub fn new_enrolment(keys: &Keys, user: &User) -> Option<Enrolment> {
    let secret = totp::new_secret();
    let url = totp::provisioning_url(&secret, &user.username)?;
    let qr = totp::qr_svg(&url)?;
    let qr_svg = qr.find("<svg").map(|i| qr[i..].to_string())?;
    Some(Enrolment {
        sealed: keys.seal(secret.as_bytes(), &enrol_context(user.id)),
        secret,
        qr_svg,
    })
}

pub fn enrol_context(user_id: i64) -> String {
    format!("totp-enrol:user:{user_id}")
}

pub fn stored_context(user_id: i64) -> String {
    format!("totp:user:{user_id}")
}

#[derive(Template)]
#[template(path = "login_totp.html")]
struct TotpPage<'a> {
    ctx: &'a PageCtx,
    error: Option<&'a str>,
    enrolment: Option<Enrolment>,
    next: String,
}

pub async fn totp_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<NextParam>,
) -> Response {
    let Some((_, user)) = &ctx.pending else {
        return Redirect::to("/login").into_response();
    };
    let enrolment = if user.totp_secret.is_none() {
        new_enrolment(&state.keys, user)
    } else {
        None
    };
    render(
        StatusCode::OK,
        &TotpPage {
            ctx: &ctx,
            error: None,
            enrolment,
            next: safe_next(&params.next),
        },
    )
}

/// A TOTP code, with the sealed new secret while enrolling.
#[derive(serde::Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub sealed: String,
    #[serde(default)]
    pub next: String,
    /// The current password (enrolment from the account page).
    #[serde(default)]
    pub password: String,
}

pub async fn totp_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    ConnectAddr(addr): ConnectAddr,
    jar: CookieJar,
    PageForm(form): PageForm<TotpForm>,
) -> Response {
    let Some((_, user)) = ctx.pending.clone() else {
        return Redirect::to("/login").into_response();
    };
    let next = after_login(&form.next);
    if let Err(wait) = state
        .throttle
        .check(&format!("totp:{}", user.username), addr)
    {
        let secs = wait.as_secs().max(1).to_string();
        let message = ctx.t.fill("login.throttled", [("seconds", secs.as_str())]);
        return render(
            StatusCode::TOO_MANY_REQUESTS,
            &TotpPage {
                ctx: &ctx,
                error: Some(&message),
                enrolment: None,
                next,
            },
        );
    }
    let result = verify_second_factor(&state, &user, &form.code, &form.sealed).await;
    match result {
        Ok(true) => match start_session(&state, &user, false, jar).await {
            Ok(jar) => (jar, Redirect::to(&next)).into_response(),
            Err(e) => e.into_response(&ctx),
        },
        Ok(false) => {
            let enrolment = if user.totp_secret.is_none() {
                new_enrolment(&state.keys, &user)
            } else {
                None
            };
            render(
                StatusCode::UNAUTHORIZED,
                &TotpPage {
                    ctx: &ctx,
                    error: Some(ctx.t.get("totp.wrong_code")),
                    enrolment,
                    next,
                },
            )
        }
        Err(e) => e.into_response(&ctx),
    }
}

/// Checks a TOTP code against the user's stored secret, or, while enrolling, against the
/// sealed new secret (which is then stored). A code's time step is accepted only once.
pub async fn verify_second_factor(
    state: &AppState,
    user: &User,
    code: &str,
    sealed_new: &str,
) -> Result<bool, PageError> {
    let (secret, enrolling) = match &user.totp_secret {
        Some(stored) => match state.keys.open(stored, &stored_context(user.id)) {
            Some(bytes) => (
                String::from_utf8(bytes).map_err(|e| PageError::Internal(e.to_string()))?,
                false,
            ),
            None => {
                return Err(PageError::Internal(
                    "stored TOTP secret cannot be opened with this key".into(),
                ));
            }
        },
        None => match state.keys.open(sealed_new, &enrol_context(user.id)) {
            Some(bytes) => (
                String::from_utf8(bytes).map_err(|e| PageError::Internal(e.to_string()))?,
                true,
            ),
            None => return Ok(false),
        },
    };
    let Some(step) = totp::check(&secret, code, totp::unix_now()) else {
        return Ok(false);
    };
    let mut tx = state.store.begin().await?;
    if enrolling {
        let sealed = state.keys.seal(secret.as_bytes(), &stored_context(user.id));
        users::set_totp(&mut tx, user, Some(&sealed), Some(user.id)).await?;
    }
    if !users::accept_totp_step(&mut tx, user.id, step).await? {
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

pub async fn logout(State(state): State<AppState>, ctx: PageCtx, jar: CookieJar) -> Response {
    let result: Result<Response, PageError> = async {
        if let Some(c) = jar.get(SESSION_COOKIE) {
            let mut tx = state.store.begin().await?;
            sessions::delete(&mut tx, &token_hash(c.value())).await?;
            if let Some(v) = &ctx.viewer {
                audit::append(
                    &mut tx,
                    audit::AuditEvent {
                        unit_id: v.user.unit_id,
                        actor_id: Some(v.user.id),
                        entity: "user",
                        entity_id: v.user.id.to_string(),
                        action: "session.logout",
                        summary: json!({}),
                    },
                )
                .await?;
            }
            tx.commit().await?;
        }
        let jar = jar.remove(cookie(
            SESSION_COOKIE,
            String::new(),
            state.config.tls,
            None,
        ));
        Ok((jar, Redirect::to("/")).into_response())
    }
    .await;
    respond(&ctx, result)
}

/// `GET /lang/{code}?next=`: remembers the interface language in a cookie.
pub async fn set_language(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
    jar: CookieJar,
    PageQuery(params): PageQuery<NextParam>,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return super::error_page(&ctx, StatusCode::NOT_FOUND, "error.bad_language");
    };
    let jar = jar.add(cookie(
        LANG_COOKIE,
        lang.code().to_string(),
        state.config.tls,
        Some(365 * 24 * 3600),
    ));
    (jar, Redirect::to(&safe_next(&params.next))).into_response()
}

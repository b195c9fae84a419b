//! My account: change password, enrol TOTP.

use super::login::{Enrolment, TotpForm, new_enrolment, verify_second_factor};
use super::{PageError, PageForm, render, respond};
use crate::auth::{ConnectAddr, PageCtx, SESSION_COOKIE};
use crate::security::passwords::{PasswordError, PasswordHashing};
use crate::security::token_hash;
use crate::state::AppState;
use askama::Template;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use dieuhanh_store::sessions;
use dieuhanh_store::units::Unit;
use dieuhanh_store::users::{self, User};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    ctx: &'a PageCtx,
    user: &'a User,
    unit: &'a Unit,
    enrolment: Option<Enrolment>,
    message: Option<&'a str>,
    error: Option<&'a str>,
}

fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    message: Option<&str>,
    error: Option<&str>,
    user: &User,
) -> Result<Response, PageError> {
    let viewer = ctx.require()?;
    let enrolment = if user.totp_secret.is_none() {
        new_enrolment(&state.keys, user)
    } else {
        None
    };
    Ok(render(
        status,
        &AccountPage {
            ctx,
            user,
            unit: &viewer.unit,
            enrolment,
            message,
            error,
        },
    ))
}

/// Password checks on this page count against the login throttle, so a borrowed
/// session cannot be used to guess the password.
fn throttled(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    addr: std::net::IpAddr,
) -> Result<Option<Response>, PageError> {
    match state.throttle.check(&user.username, addr) {
        Ok(()) => Ok(None),
        Err(wait) => {
            let secs = wait.as_secs().max(1).to_string();
            let message = ctx.t.fill("login.throttled", [("seconds", secs.as_str())]);
            page(
                state,
                ctx,
                StatusCode::TOO_MANY_REQUESTS,
                None,
                Some(&message),
                user,
            )
            .map(Some)
        }
    }
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = ctx
        .require()
        .map(|v| v.user.clone())
        .and_then(|user| page(&state, &ctx, StatusCode::OK, None, None, &user));
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    ConnectAddr(addr): ConnectAddr,
    jar: CookieJar,
    PageForm(form): PageForm<PasswordForm>,
) -> Response {
    let result = async {
        let user = ctx.require()?.user.clone();
        let reject = |key: &'static str| {
            page(
                &state,
                &ctx,
                StatusCode::BAD_REQUEST,
                None,
                Some(ctx.t.get(key)),
                &user,
            )
        };
        if let Some(response) = throttled(&state, &ctx, &user, addr)? {
            return Ok(response);
        }
        if !state
            .passwords
            .verify(&form.current, &user.password_hash)
            .await
        {
            return reject("account.wrong_current");
        }
        if form.new_password != form.confirm {
            return reject("account.mismatch");
        }
        match PasswordHashing::check_policy(&form.new_password) {
            Err(PasswordError::TooShort) => return reject("account.too_short"),
            Err(_) => return reject("account.too_long"),
            Ok(()) => {}
        }
        let hash = state
            .passwords
            .hash(&form.new_password)
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let mut tx = state.store.begin().await?;
        users::set_password(&mut tx, &user, &hash, Some(user.id)).await?;
        // Other browsers signed in as this user are signed out; this one stays.
        let current = jar
            .get(SESSION_COOKIE)
            .map(|c| token_hash(c.value()))
            .unwrap_or_default();
        sessions::delete_others(&mut tx, user.id, &current).await?;
        tx.commit().await?;
        let user = users::by_id(&state.store, user.id).await?;
        page(
            &state,
            &ctx,
            StatusCode::OK,
            Some(ctx.t.get("account.password_changed")),
            None,
            &user,
        )
    }
    .await;
    respond(&ctx, result)
}

pub async fn enrol_totp(
    State(state): State<AppState>,
    ctx: PageCtx,
    ConnectAddr(addr): ConnectAddr,
    PageForm(form): PageForm<TotpForm>,
) -> Response {
    let result = async {
        let user = ctx.require()?.user.clone();
        if user.totp_secret.is_some() {
            return page(
                &state,
                &ctx,
                StatusCode::CONFLICT,
                None,
                Some(ctx.t.get("totp.already")),
                &user,
            );
        }
        if let Some(response) = throttled(&state, &ctx, &user, addr)? {
            return Ok(response);
        }
        // A borrowed session must not be able to bind its own authenticator.
        if !state
            .passwords
            .verify(&form.password, &user.password_hash)
            .await
        {
            return page(
                &state,
                &ctx,
                StatusCode::BAD_REQUEST,
                None,
                Some(ctx.t.get("account.wrong_current")),
                &user,
            );
        }
        if !verify_second_factor(&state, &user, &form.code, &form.sealed).await? {
            return page(
                &state,
                &ctx,
                StatusCode::BAD_REQUEST,
                None,
                Some(ctx.t.get("totp.wrong_code")),
                &user,
            );
        }
        let user = users::by_id(&state.store, user.id).await?;
        page(
            &state,
            &ctx,
            StatusCode::OK,
            Some(ctx.t.get("totp.enabled_now")),
            None,
            &user,
        )
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// Sets or clears the address notifications are mailed to.
pub async fn set_email(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<EmailForm>,
) -> Response {
    let result = async {
        let user = ctx.require()?.user.clone();
        let email = form.email.trim();
        if !email.is_empty() && !crate::mail::valid_address(email) {
            let error = ctx.t.get("account.bad_email");
            return page(
                &state,
                &ctx,
                StatusCode::BAD_REQUEST,
                None,
                Some(error),
                &user,
            );
        }
        let email = (!email.is_empty()).then_some(email);
        let mut tx = state.store.begin().await?;
        users::set_email(&mut tx, &user, email, Some(user.id)).await?;
        tx.commit()
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let user = users::by_id(&state.store, user.id).await?;
        let message = ctx.t.get("account.email_saved");
        page(&state, &ctx, StatusCode::OK, Some(message), None, &user)
    }
    .await;
    respond(&ctx, result)
}

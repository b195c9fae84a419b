//! Bearer tokens: log in with username, password and (where enrolled) a TOTP code.

use super::extract::Json;
use crate::auth::{ApiUser, ConnectAddr};
use crate::error::ApiError;
use crate::pages::login::{PasswordOutcome, check_password, stored_context};
use crate::security::{random_token, token_hash, totp};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use dieuhanh_store::{tokens, users};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// Six-digit code, required when the account has TOTP enrolled.
    pub totp_code: Option<String>,
    /// What the token is for (shown in the audit trail).
    pub label: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub token: String,
    pub token_type: &'static str,
    /// RFC 3339 with the +07:00 offset.
    pub expires_at: String,
    pub user: MeResponse,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeResponse {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub unit_code: String,
    pub totp_enabled: bool,
}

async fn me_of(state: &AppState, user: &users::User) -> Result<MeResponse, ApiError> {
    let unit = dieuhanh_store::units::by_id(&state.store, user.unit_id).await?;
    Ok(MeResponse {
        id: user.id,
        username: user.username.clone(),
        full_name: user.full_name.clone(),
        role: user.role.as_str().to_string(),
        unit_code: unit.code,
        totp_enabled: user.totp_secret.is_some(),
    })
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody), (status = 400, body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectAddr(addr): ConnectAddr,
    Json(req): Json<LoginRequest>,
) -> Result<axum::Json<TokenResponse>, ApiError> {
    let user = match check_password(&state, addr, &req.username, &req.password).await {
        PasswordOutcome::Accepted(u) => u,
        PasswordOutcome::Rejected => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "wrong username or password",
            ));
        }
        PasswordOutcome::Throttled(wait) => {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!(
                    "too many login attempts; try again in {} seconds",
                    wait.as_secs().max(1)
                ),
            ));
        }
    };
    match &user.totp_secret {
        Some(sealed) => {
            let code = req.totp_code.as_deref().unwrap_or("");
            if code.is_empty() {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "totp_required",
                    "this account needs a TOTP code (totp_code)",
                ));
            }
            let secret = state
                .keys
                .open(sealed, &stored_context(user.id))
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| ApiError::internal("stored TOTP secret cannot be opened"))?;
            let step = totp::check(&secret, code, totp::unix_now()).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_totp",
                    "the TOTP code is wrong or expired",
                )
            })?;
            let mut tx = state.store.begin().await?;
            if !users::accept_totp_step(&mut tx, user.id, step).await? {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_totp",
                    "this TOTP code was already used",
                ));
            }
            tx.commit().await?;
        }
        None if user.role.requires_totp() && !state.config.demo => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "totp_enrolment_required",
                "this role must enrol TOTP first: sign in on the web page to enrol",
            ));
        }
        None => {}
    }
    let token = random_token();
    let expires = dieuhanh_core::time::now_us() + state.config.api_token_ttl.as_micros() as i64;
    let label = req
        .label
        .as_deref()
        .unwrap_or("api")
        .chars()
        .take(100)
        .collect::<String>();
    let mut tx = state.store.begin().await?;
    tokens::create(
        &mut tx,
        &token_hash(&token),
        user.id,
        user.unit_id,
        &label,
        expires,
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(TokenResponse {
        token,
        token_type: "Bearer",
        expires_at: dieuhanh_core::time::format_rfc3339(expires),
        user: me_of(&state, &user).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    caller: ApiUser,
) -> Result<axum::Json<MeResponse>, ApiError> {
    Ok(axum::Json(me_of(&state, &caller.user).await?))
}

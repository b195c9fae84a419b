//! Administration of accounts: list, create, disable/enable, reset password.

use super::{PageError, PageForm, PagePath, PageQuery, Pager, render, respond, role_key};
use crate::auth::PageCtx;
use crate::security::passwords::{PasswordError, PasswordHashing};
use crate::state::AppState;
use askama::Template;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::paging::Page;
use dieuhanh_core::policy::{self, Action, Role};
use dieuhanh_store::users::{self, NewUser, PeopleQuery, Person};
use dieuhanh_store::{StoreError, units};

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage<'a> {
    ctx: &'a PageCtx,
    q: String,
    people: Vec<Person>,
    total: i64,
    pager: Pager,
    roles: Vec<(&'static str, &'a str)>,
    message: Option<String>,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

fn require_admin(ctx: &PageCtx) -> Result<(), PageError> {
    let viewer = ctx.require()?;
    if policy::allows_global(&viewer.principal(), Action::ManageUsers) {
        Ok(())
    } else {
        Err(PageError::forbidden())
    }
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    params: Params,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    require_admin(ctx)?;
    let page = Page::new(params.page, None)
        .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error.bad_page"))?;
    let query = PeopleQuery {
        text: Some(params.q.clone()),
        unit_id: None,
    };
    let (people, total) = users::search(&state.store, &policy::Scope::All, &query, page).await?;
    let pager = Pager::new(page, total, "/admin/users", &[("q", &params.q)]);
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str(), ctx.t.get(role_key(r))))
        .collect();
    Ok(render(
        status,
        &UsersPage {
            ctx,
            q: params.q,
            people,
            total,
            pager,
            roles,
            message,
            error,
        },
    ))
}

/// The list narrowed to one account, with a confirmation.
async fn done(
    state: &AppState,
    ctx: &PageCtx,
    username: &str,
    message: String,
) -> Result<Response, PageError> {
    let params = Params {
        q: username.to_string(),
        page: None,
    };
    page(state, ctx, params, StatusCode::OK, Some(message), None).await
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<Params>,
) -> Response {
    respond(
        &ctx,
        page(&state, &ctx, params, StatusCode::OK, None, None).await,
    )
}

#[derive(serde::Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    password: String,
}

fn password_error_key(e: &PasswordError) -> &'static str {
    match e {
        PasswordError::TooLong => "account.too_long",
        _ => "account.too_short",
    }
}

/// Usernames: 3–64 of a–z, 0–9, dot, underscore, hyphen.
pub fn valid_username(username: &str) -> bool {
    (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<CreateForm>,
) -> Response {
    let result = async {
        require_admin(&ctx)?;
        let actor = ctx.require()?.user.id;
        let fail = |key: &'static str| ctx.t.get(key).to_string();
        let username = form.username.trim().to_string();
        let role = Role::parse(&form.role);
        let error = if !valid_username(&username) {
            Some(fail("admin.bad_username"))
        } else if form.full_name.trim().is_empty() || form.full_name.len() > 200 {
            Some(fail("admin.bad_name"))
        } else if role.is_none() {
            Some(fail("admin.bad_role"))
        } else if let Err(e) = PasswordHashing::check_policy(&form.password) {
            Some(fail(password_error_key(&e)))
        } else {
            None
        };
        let (None, Some(role)) = (&error, role) else {
            return page(
                &state,
                &ctx,
                Params::default(),
                StatusCode::BAD_REQUEST,
                None,
                error,
            )
            .await;
        };
        let unit = match units::by_code(&state.store, form.unit.trim()).await {
            Ok(u) => u,
            Err(StoreError::NotFound) => {
                return page(
                    &state,
                    &ctx,
                    Params::default(),
                    StatusCode::BAD_REQUEST,
                    None,
                    Some(fail("admin.bad_unit")),
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        };
        let hash = state
            .passwords
            .hash(&form.password)
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let mut tx = state.store.begin().await?;
        let title = form.title.trim();
        let created = users::create(
            &mut tx,
            &NewUser {
                unit_id: unit.id,
                username: &username,
                full_name: form.full_name.trim(),
                title: (!title.is_empty()).then_some(title),
                role,
                password_hash: &hash,
            },
            Some(actor),
        )
        .await;
        match created {
            Ok(_) => tx.commit().await?,
            Err(StoreError::Conflict(_)) => {
                return page(
                    &state,
                    &ctx,
                    Params::default(),
                    StatusCode::CONFLICT,
                    None,
                    Some(fail("admin.username_taken")),
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        }
        let message = ctx
            .t
            .fill("admin.created", [("username", username.as_str())]);
        done(&state, &ctx, &username, message).await
    }
    .await;
    respond(&ctx, result)
}

pub async fn disable(state: State<AppState>, ctx: PageCtx, path: PagePath<i64>) -> Response {
    set_disabled(state, ctx, path, true).await
}

pub async fn enable(state: State<AppState>, ctx: PageCtx, path: PagePath<i64>) -> Response {
    set_disabled(state, ctx, path, false).await
}

async fn set_disabled(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    disabled: bool,
) -> Response {
    let result = async {
        require_admin(&ctx)?;
        let actor = ctx.require()?.user.id;
        if actor == id {
            return page(
                &state,
                &ctx,
                Params::default(),
                StatusCode::BAD_REQUEST,
                None,
                Some(ctx.t.get("admin.not_yourself").to_string()),
            )
            .await;
        }
        let user = users::by_id(&state.store, id).await?;
        let mut tx = state.store.begin().await?;
        users::set_disabled(&mut tx, &user, disabled, Some(actor)).await?;
        tx.commit().await?;
        let key = if disabled {
            "admin.disabled_done"
        } else {
            "admin.enabled_done"
        };
        let message = ctx.t.fill(key, [("username", user.username.as_str())]);
        done(&state, &ctx, &user.username, message).await
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ResetForm>,
) -> Response {
    let result = async {
        require_admin(&ctx)?;
        let actor = ctx.require()?.user.id;
        let user = users::by_id(&state.store, id).await?;
        if let Err(e) = PasswordHashing::check_policy(&form.password) {
            let error = ctx.t.get(password_error_key(&e)).to_string();
            return page(
                &state,
                &ctx,
                Params {
                    q: user.username.clone(),
                    page: None,
                },
                StatusCode::BAD_REQUEST,
                None,
                Some(error),
            )
            .await;
        }
        let hash = state
            .passwords
            .hash(&form.password)
            .await
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let mut tx = state.store.begin().await?;
        users::set_password(&mut tx, &user, &hash, Some(actor)).await?;
        dieuhanh_store::sessions::delete_for_user(&mut tx, user.id).await?;
        tx.commit().await?;
        let message = ctx.t.fill(
            "admin.password_reset",
            [("username", user.username.as_str())],
        );
        done(&state, &ctx, &user.username, message).await
    }
    .await;
    respond(&ctx, result)
}

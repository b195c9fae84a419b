//! The citizens' public-service portal, no JavaScript: procedure search without
//! diacritics (/dich-vu-cong), a procedure's page with the online filing form, the
//! lookup by dossier code (/tra-cuu: status, appointment and steps, never personal data
//! unless the signed-in applicant looks), the rating after completion, and "my
//! dossiers" for signed-in citizens.

use super::dossiers::appointment_text;
use super::{PageError, PageForm, PagePath, PageQuery, render, respond};
use crate::auth::{ConnectAddr, PageCtx};
use crate::dossiers::{self as service, Applicant, Filer, Filing, PublicDossier, Upload};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use dieuhanh_core::policy::Role;
use dieuhanh_core::time::format_datetime;
use dieuhanh_store::procedures::{self, Procedure};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "services.html")]
struct SearchPage<'a> {
    ctx: &'a PageCtx,
    q: String,
    results: Vec<Procedure>,
}

#[derive(serde::Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

pub async fn search(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<SearchParams>,
) -> Response {
    let result = async {
        let q: String = params.q.chars().take(100).collect();
        let results = procedures::search(&state.store, &q).await?;
        Ok(render(
            StatusCode::OK,
            &SearchPage {
                ctx: &ctx,
                q,
                results,
            },
        ))
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "service.html")]
struct ProcedurePage<'a> {
    ctx: &'a PageCtx,
    p: Procedure,
    units: Vec<(String, String)>,
    error: Option<String>,
    entered: HashMap<String, String>,
    filed: Option<String>,
}

async fn procedure_page(
    state: &AppState,
    ctx: &PageCtx,
    code: &str,
    status: StatusCode,
    error: Option<String>,
    entered: HashMap<String, String>,
    filed: Option<String>,
) -> Result<Response, PageError> {
    let p = procedures::get(&state.store, code)
        .await
        .map_err(|_| PageError::not_found())?;
    let mut units: Vec<(String, String)> = dieuhanh_store::units::all_current(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .map(|u| (u.code, u.name))
        .collect();
    units.sort_by_key(|u| dieuhanh_core::text::fold(&u.1));
    Ok(render(
        status,
        &ProcedurePage {
            ctx,
            p,
            units,
            error,
            entered,
            filed,
        },
    ))
}

pub async fn procedure(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(code): PagePath<String>,
) -> Response {
    let result = procedure_page(
        &state,
        &ctx,
        &code,
        StatusCode::OK,
        None,
        HashMap::new(),
        None,
    )
    .await;
    respond(&ctx, result)
}

/// Whether a visitor who is not signed in has written too often from this address in the
/// last minute: the message to show if so. Signed-in people are not counted here.
fn anonymous_over_limit(state: &AppState, ctx: &PageCtx, addr: std::net::IpAddr) -> Option<String> {
    if ctx.viewer.is_some() {
        return None;
    }
    let wait = state.public_throttle.check(addr).err()?;
    let seconds = wait.as_secs().max(1).to_string();
    Some(
        ctx.t
            .fill("services.throttled", [("seconds", seconds.as_str())]),
    )
}

/// The online filing: a multipart form with one file input per document.
pub async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    ConnectAddr(addr): ConnectAddr,
    PagePath(code): PagePath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let (fields, uploads) = read_multipart(&headers, body)
            .await
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error.bad_form"))?;
        if let Some(error) = anonymous_over_limit(&state, &ctx, addr) {
            let mut entered = fields.clone();
            entered.remove("csrf");
            entered.remove("identity");
            return procedure_page(
                &state,
                &ctx,
                &code,
                StatusCode::TOO_MANY_REQUESTS,
                Some(error),
                entered,
                None,
            )
            .await;
        }
        let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
        let filing = Filing {
            procedure_code: code.clone(),
            unit_code: get("unit"),
            applicant: Applicant {
                name: get("name"),
                identity: get("identity"),
                phone: get("phone"),
                email: get("email"),
            },
            documents_handed_in: Vec::new(),
        };
        let principal = ctx.viewer.as_ref().map(|v| v.principal());
        match service::file(&state, Filer::Online(principal.as_ref()), &filing, uploads).await {
            Ok((_, dossier_code)) => {
                procedure_page(
                    &state,
                    &ctx,
                    &code,
                    StatusCode::OK,
                    None,
                    HashMap::new(),
                    Some(dossier_code),
                )
                .await
            }
            Err(crate::direction::DirectionError::Invalid("unknown_procedure")) => {
                Err(PageError::not_found())
            }
            Err(e) => {
                let error = super::direction::form_message(&ctx, e)?;
                let mut entered = fields.clone();
                entered.remove("csrf");
                entered.remove("identity");
                procedure_page(
                    &state,
                    &ctx,
                    &code,
                    StatusCode::BAD_REQUEST,
                    Some(error),
                    entered,
                    None,
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

/// Reads the filing form: text fields, and `doc_N` files (empty inputs are skipped).
async fn read_multipart(
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(HashMap<String, String>, Vec<Upload>), ()> {
    use axum::extract::FromRequest;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("multipart/form-data") {
        return Err(());
    }
    let request = axum::http::Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(axum::body::Body::from(body))
        .map_err(|_| ())?;
    let mut form = axum::extract::Multipart::from_request(request, &())
        .await
        .map_err(|_| ())?;
    let mut fields = HashMap::new();
    let mut uploads = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| ())? {
        let name = field.name().unwrap_or("").to_string();
        match (name.strip_prefix("doc_"), field.file_name()) {
            (Some(index), Some(file_name)) => {
                let file_name = file_name.to_string();
                let document: usize = index.parse().map_err(|_| ())?;
                let content = field.bytes().await.map_err(|_| ())?.to_vec();
                if !file_name.is_empty() || !content.is_empty() {
                    uploads.push(Upload {
                        document,
                        name: file_name,
                        content,
                    });
                }
            }
            _ => {
                let value = field.text().await.map_err(|_| ())?;
                fields.insert(name, value);
            }
        }
    }
    Ok((fields, uploads))
}

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage<'a> {
    ctx: &'a PageCtx,
    code: String,
    found: Option<PublicDossier>,
    state_label: String,
    appointment: String,
    submitted: String,
    steps: Vec<(String, String)>,
    /// Shown only to the signed-in applicant.
    applicant_name: Option<String>,
    can_rate: bool,
    /// For the signed-in applicant of a dossier awaiting a supplement: what to add.
    supplement_request: Option<String>,
    message: Option<String>,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct LookupParams {
    #[serde(default)]
    code: String,
}

async fn lookup_page(
    state: &AppState,
    ctx: &PageCtx,
    code: &str,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let mut page = LookupPage {
        ctx,
        code: code.trim().to_string(),
        found: None,
        state_label: String::new(),
        appointment: String::new(),
        submitted: String::new(),
        steps: Vec::new(),
        applicant_name: None,
        can_rate: false,
        supplement_request: None,
        message,
        error,
    };
    let mut status = status;
    if !page.code.is_empty() {
        match service::lookup(state, &page.code).await {
            Ok((public, d)) => {
                let is_applicant = ctx.viewer.as_ref().is_some_and(|v| {
                    v.user.role == Role::Citizen && d.applicant_user_id == Some(v.user.id)
                });
                if is_applicant {
                    page.applicant_name = service::applicant(state, &d).map(|a| a.name);
                    if d.state == "awaiting_supplement" {
                        page.supplement_request =
                            dieuhanh_store::dossiers::supplements(&state.store, d.item_id)
                                .await?
                                .pop()
                                .map(|s| s.reason);
                    }
                }
                page.state_label = ctx.label("dossier_state", &public.state);
                page.appointment = appointment_text(public.appointment);
                page.submitted = format_datetime(public.submitted_at_us);
                page.steps = public
                    .steps
                    .iter()
                    .map(|(a, at)| (format_datetime(*at), ctx.label("dossier_action", a)))
                    .collect();
                page.can_rate = !public.rated
                    && matches!(public.state.as_str(), "finished" | "refused" | "returned");
                page.found = Some(public);
            }
            Err(e @ crate::direction::DirectionError::Invalid(_)) => {
                status = StatusCode::BAD_REQUEST;
                page.error = Some(ctx.t.get(e.message_key()).to_string());
            }
            Err(crate::direction::DirectionError::NotFound) => {
                status = StatusCode::NOT_FOUND;
                page.error = Some(ctx.t.get("services.not_found").to_string());
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render(status, &page))
}

pub async fn lookup(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<LookupParams>,
) -> Response {
    let result = lookup_page(&state, &ctx, &params.code, StatusCode::OK, None, None).await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize, Default)]
pub struct RateForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    identity: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

pub async fn rate(
    State(state): State<AppState>,
    ctx: PageCtx,
    ConnectAddr(addr): ConnectAddr,
    PageForm(form): PageForm<RateForm>,
) -> Response {
    let result = async {
        if let Some(error) = anonymous_over_limit(&state, &ctx, addr) {
            return lookup_page(
                &state,
                &ctx,
                &form.code,
                StatusCode::TOO_MANY_REQUESTS,
                None,
                Some(error),
            )
            .await;
        }
        let principal = ctx.viewer.as_ref().map(|v| v.principal());
        match service::rate(
            &state,
            principal.as_ref(),
            &form.code,
            &form.identity,
            form.rating.trim(),
            &form.comment,
        )
        .await
        {
            Ok(()) => {
                let done = ctx.t.get("services.rated").to_string();
                lookup_page(&state, &ctx, &form.code, StatusCode::OK, Some(done), None).await
            }
            Err(crate::direction::DirectionError::NotFound) => {
                lookup_page(&state, &ctx, &form.code, StatusCode::NOT_FOUND, None, None).await
            }
            Err(e) => {
                let error = super::direction::form_message(&ctx, e)?;
                lookup_page(
                    &state,
                    &ctx,
                    &form.code,
                    StatusCode::BAD_REQUEST,
                    None,
                    Some(error),
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "my_dossiers.html")]
struct MinePage<'a> {
    ctx: &'a PageCtx,
    rows: Vec<(String, String, String, String)>,
}

/// A signed-in citizen's own dossiers.
pub async fn mine(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = async {
        let viewer = ctx.require()?;
        if viewer.user.role != Role::Citizen {
            return Err(PageError::forbidden());
        }
        let list = dieuhanh_store::dossiers::list(
            &state.store,
            &dieuhanh_store::dossiers::DossierQuery {
                unit_id: None,
                applicant_user_id: Some(viewer.user.id),
                open_only: false,
                limit: 200,
            },
        )
        .await?;
        let rows = list
            .iter()
            .map(|d| {
                (
                    d.code.clone(),
                    d.procedure_name.clone(),
                    ctx.label("dossier_state", &d.state),
                    appointment_text(d.appointment),
                )
            })
            .collect();
        Ok(render(StatusCode::OK, &MinePage { ctx: &ctx, rows }))
    }
    .await;
    respond(&ctx, result)
}

/// The signed-in applicant adds what was asked (multipart: `code`, files `doc_N`).
pub async fn supplement(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let (fields, uploads) = read_multipart(&headers, body)
            .await
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST, "error.bad_form"))?;
        let code = fields.get("code").cloned().unwrap_or_default();
        match service::supplement_online(&state, &principal, &code, uploads).await {
            Ok(_) => {
                let done = ctx.t.get("services.supplemented").to_string();
                lookup_page(&state, &ctx, &code, StatusCode::OK, Some(done), None).await
            }
            Err(e) => {
                let error = super::direction::form_message(&ctx, e)?;
                lookup_page(
                    &state,
                    &ctx,
                    &code,
                    StatusCode::BAD_REQUEST,
                    None,
                    Some(error),
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

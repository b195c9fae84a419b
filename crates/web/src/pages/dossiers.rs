//! One-stop officers' pages for dossiers: the unit's dossiers (open ones first, by
//! legal due date), intake at the counter, and one dossier with its legal clock, the
//! applicant (identity masked; the full number on request, audited), files, history
//! and the actions the officer may take.

use super::{PageError, PageForm, PagePath, PageQuery, render, respond};
use crate::auth::PageCtx;
use crate::direction::{DirectionError, today};
use crate::dossiers::{self as service, Applicant, DossierAction, Filer, Filing};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dieuhanh_core::dossier::{self, Appointment, ClockRules, Clocked};
use dieuhanh_core::policy::Role;
use dieuhanh_core::time::{format_date, format_datetime};
use dieuhanh_core::workflow::DOSSIER;
use dieuhanh_store::dossiers::{self, Dossier, DossierQuery};
use std::collections::HashMap;

pub fn appointment_text(a: Option<Appointment>) -> String {
    match a {
        Some(Appointment {
            date,
            time: Some(t),
        }) => format!("{} {}", t.strftime("%H:%M"), date.strftime("%d/%m/%Y")),
        Some(a) => a.date.strftime("%d/%m/%Y").to_string(),
        None => String::new(),
    }
}

pub struct Row {
    pub id: i64,
    pub code: String,
    pub procedure: String,
    pub state: String,
    pub due: String,
    pub class: String,
    pub class_label: String,
    pub assignee: String,
}

/// A list line's standing against the dossier's current due date (restarted after a
/// supplement, moved by a re-appointment); the dossier's page gives both legal views.
fn list_class(d: &Dossier) -> &'static str {
    let Ok(due) = d.due_date.parse::<jiff::civil::Date>() else {
        return "";
    };
    let end = d
        .finished_at_us
        .or(d.stopped_at_us)
        .and_then(dieuhanh_core::time::vn_date);
    match (d.state.as_str(), end) {
        ("submitted", _) => "",
        ("awaiting_supplement", _) => "pending_within",
        (_, Some(e)) if e < due => "early",
        (_, Some(e)) if e == due => "on_time",
        (_, Some(_)) => "late",
        (_, None) if today() <= due => "pending_within",
        (_, None) => "pending_overdue",
    }
}

fn row(ctx: &PageCtx, d: &Dossier, due: Option<String>) -> Row {
    let class = list_class(d);
    Row {
        id: d.item_id,
        code: d.code.clone(),
        procedure: d.procedure_name.clone(),
        state: ctx.label("dossier_state", &d.state),
        due: due.unwrap_or_else(|| appointment_text(d.appointment)),
        class: class.to_string(),
        class_label: ctx.label("dossier_class", class),
        assignee: d.assignee_name.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "dossiers.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    rows: Vec<Row>,
    open_only: bool,
    can_receive: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    all: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<ListParams>,
) -> Response {
    let result = async {
        let viewer = ctx.require()?;
        let principal = viewer.principal();
        let scope = crate::direction::work_scope(&principal)?;
        let open_only = params.all.is_none();
        let items = dossiers::list(
            &state.store,
            &DossierQuery {
                unit_id: scope,
                applicant_user_id: None,
                open_only,
                limit: 300,
            },
        )
        .await?;
        let rows = items.iter().map(|d| row(&ctx, d, None)).collect();
        Ok(render(
            StatusCode::OK,
            &ListPage {
                ctx: &ctx,
                rows,
                open_only,
                can_receive: matches!(principal.role, Role::UnitLeader | Role::UnitOfficer),
            },
        ))
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "dossier_new.html")]
struct NewPage<'a> {
    ctx: &'a PageCtx,
    procedures: Vec<(String, String)>,
    procedure: Option<dieuhanh_store::procedures::Procedure>,
    error: Option<String>,
    entered: HashMap<String, String>,
}

#[derive(serde::Deserialize, Default)]
pub struct NewParams {
    #[serde(default)]
    procedure: String,
}

async fn new_page(
    state: &AppState,
    ctx: &PageCtx,
    code: &str,
    status: StatusCode,
    error: Option<String>,
    entered: HashMap<String, String>,
) -> Result<Response, PageError> {
    let all = dieuhanh_store::procedures::all(&state.store).await?;
    let procedure = all.iter().find(|p| p.code == code.trim()).cloned();
    Ok(render(
        status,
        &NewPage {
            ctx,
            procedures: all.into_iter().map(|p| (p.code, p.name)).collect(),
            procedure,
            error,
            entered,
        },
    ))
}

pub async fn new(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<NewParams>,
) -> Response {
    let result = async {
        ctx.require()?;
        new_page(
            &state,
            &ctx,
            &params.procedure,
            StatusCode::OK,
            None,
            HashMap::new(),
        )
        .await
    }
    .await;
    respond(&ctx, result)
}

/// Intake at the counter: the officer ticks the documents handed in.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        let filing = Filing {
            procedure_code: get("procedure"),
            unit_code: String::new(),
            applicant: Applicant {
                name: get("name"),
                identity: get("identity"),
                phone: get("phone"),
                email: get("email"),
            },
            documents_handed_in: (0..20)
                .filter(|i| form.contains_key(&format!("doc_{i}")))
                .collect(),
        };
        match service::file(&state, Filer::Counter(&principal), &filing, Vec::new()).await {
            Ok((id, _)) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
            Err(e) => {
                let error = super::direction::form_message(&ctx, e)?;
                let mut entered = form.clone();
                entered.remove("csrf");
                new_page(
                    &state,
                    &ctx,
                    &filing.procedure_code,
                    StatusCode::BAD_REQUEST,
                    Some(error),
                    entered,
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DetailPage<'a> {
    ctx: &'a PageCtx,
    d: Dossier,
    state_label: String,
    channel: String,
    submitted: String,
    received: String,
    slip: String,
    legal_due: String,
    legal_class: String,
    view_766: String,
    supplements: Vec<(String, String, String)>,
    extension: Option<(String, String, String)>,
    apology_alert: bool,
    applicant_name: String,
    identity: String,
    identity_full: bool,
    contact: String,
    files: Vec<(i64, String)>,
    events: Vec<(String, String, String, String)>,
    actions: Vec<(&'static str, String)>,
    officials: Vec<(String, String)>,
    can_pay: bool,
    fee: String,
    message: Option<String>,
    error: Option<String>,
}

fn money(v: i64) -> String {
    dieuhanh_core::reporting::format_number(v as f64, true) + " đ"
}

async fn detail(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    status: StatusCode,
    identity_full: bool,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = ctx.require()?.principal();
    let (d, relations) = service::visible(state, &principal, id).await?;
    let supplements = dossiers::supplements(&state.store, id).await?;
    let extension = dossiers::extension(&state.store, id).await?;
    let calendar = state.calendar();
    let rules = ClockRules::default();
    let (legal_due, legal_class, view_766) = match (d.received_at_us, d.appointment) {
        (Some(received), Some(appointment)) => {
            let clocked = Clocked {
                received_at_us: received,
                term: d.term,
                appointment,
                supplements: &supplements,
                extension: extension.as_ref(),
                finished_at_us: d.finished_at_us.or(d.stopped_at_us),
            };
            let now = dieuhanh_core::time::now_us();
            let due = dossier::legal_due(&calendar, &clocked, &rules)
                .ok()
                .flatten()
                .map(|a| appointment_text(Some(a)))
                .unwrap_or_else(|| ctx.t.get("dossiers.clock_stopped").to_string());
            let legal = dossier::classify_legal(&calendar, &clocked, now, true, &rules)
                .map(|c| ctx.label("dossier_class", c.as_str()))
                .unwrap_or_default();
            let v766 = dossier::classify_766(&clocked, now)
                .map(|c| ctx.label("dossier_class", c.as_str()))
                .unwrap_or_default();
            (due, legal, v766)
        }
        _ => (String::new(), String::new(), String::new()),
    };
    let applicant = service::applicant(state, &d).unwrap_or_default();
    let sees_applicant = !relations.is_empty();
    let events = dieuhanh_store::direction::events(&state.store, id)
        .await?
        .into_iter()
        .map(|e| {
            (
                format_datetime(e.at_us),
                ctx.label("dossier_action", &e.action),
                e.actor_name.unwrap_or_default(),
                e.note,
            )
        })
        .collect();
    let actions = DOSSIER
        .available(&d.state, &relations)
        .into_iter()
        .map(|a| (a, ctx.label("dossier_action", a)))
        .collect();
    let officials = dieuhanh_store::users::active_officials(&state.store, d.unit_id)
        .await?
        .into_iter()
        .map(|u| (u.username, u.full_name))
        .collect();
    let files = dieuhanh_store::attachments::list(
        &state.store,
        dieuhanh_store::attachments::Owner::Item(id),
    )
    .await?
    .into_iter()
    .map(|a| (a.id, a.file_name))
    .collect();
    let fee = if d.fee_vnd == 0 {
        ctx.t.get("dossiers.fee_free").to_string()
    } else {
        format!(
            "{} — {}{}",
            money(d.fee_vnd),
            ctx.label("dossier_fee", &d.fee_status),
            if d.fee_channel.is_empty() {
                String::new()
            } else {
                format!(" ({})", ctx.label("dossier_fee_channel", &d.fee_channel))
            }
        )
    };
    let can_pay = d.fee_status == "unpaid"
        && relations.iter().any(|r| {
            matches!(
                r,
                dieuhanh_core::workflow::Relation::OwnerLeader
                    | dieuhanh_core::workflow::Relation::OwnerOfficial
            )
        });
    let apology_alert = service::needs_apology(state, &d, &supplements, extension.is_some());
    Ok(render(
        status,
        &DetailPage {
            ctx,
            state_label: ctx.label("dossier_state", &d.state),
            channel: ctx.label("dossier_channel", &d.channel),
            submitted: format_datetime(d.submitted_at_us),
            received: d.received_at_us.map(format_datetime).unwrap_or_default(),
            slip: appointment_text(d.appointment),
            legal_due,
            legal_class,
            view_766,
            supplements: supplements
                .iter()
                .map(|s| {
                    (
                        format_datetime(s.requested_at_us),
                        s.reason.clone(),
                        s.completed_at_us.map(format_datetime).unwrap_or_default(),
                    )
                })
                .collect(),
            extension: extension.map(|e| {
                (
                    format_date(e.apology_at_us),
                    appointment_text(Some(e.new)),
                    e.reason,
                )
            }),
            apology_alert,
            applicant_name: if sees_applicant {
                applicant.name.clone()
            } else {
                String::new()
            },
            identity: if !sees_applicant {
                String::new()
            } else if identity_full {
                applicant.identity.clone()
            } else {
                service::mask_identity(&applicant.identity)
            },
            identity_full,
            contact: if sees_applicant {
                [applicant.phone.clone(), applicant.email.clone()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                String::new()
            },
            files,
            events,
            actions,
            officials,
            can_pay,
            fee,
            message,
            error,
            d,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
) -> Response {
    let result = detail(&state, &ctx, id, StatusCode::OK, false, None, None).await;
    respond(&ctx, result)
}

/// Shows the full identity number once, and writes that reading to the audit trail.
pub async fn identity(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(_form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let (d, relations) = service::visible(&state, &principal, id).await?;
        if relations.is_empty() {
            return Err(PageError::forbidden());
        }
        service::audit_identity_read(&state, &principal, &d).await?;
        detail(&state, &ctx, id, StatusCode::OK, true, None, None).await
    }
    .await;
    respond(&ctx, result)
}

/// The dossier's page after a change: with `done` on success, the error's message on a
/// refusal (a page error for what the viewer may not know about).
async fn after(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    outcome: Result<(), DirectionError>,
    done: String,
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => detail(state, ctx, id, StatusCode::OK, false, Some(done), None).await,
        Err(e) => {
            let error = super::direction::form_message(ctx, e)?;
            detail(
                state,
                ctx,
                id,
                StatusCode::BAD_REQUEST,
                false,
                None,
                Some(error),
            )
            .await
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    new_date: String,
}

pub async fn act(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ActForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let input = DossierAction {
            action: form.action.clone(),
            note: form.note,
            assignee: form.assignee,
            new_date: form.new_date,
        };
        let done = ctx.t.fill(
            "direction.done",
            [("action", ctx.label("dossier_action", &form.action).as_str())],
        );
        let outcome = service::act(&state, &principal, id, &input).await;
        after(&state, &ctx, id, outcome, done).await
    }
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize, Default)]
pub struct PayForm {
    #[serde(default)]
    channel: String,
}

pub async fn pay(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<PayForm>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        let outcome = service::pay(&state, &principal, id, form.channel.trim()).await;
        let done = ctx.t.get("dossiers.paid").to_string();
        after(&state, &ctx, id, outcome, done).await
    }
    .await;
    respond(&ctx, result)
}

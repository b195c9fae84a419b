//! /admin/competence: decentralisation (phân cấp) and delegation (ủy quyền) decisions,
//! recorded with their legal instrument, scope, units and validity; revocable; and how
//! many (procedure, unit) pairs are left without exactly one competent authority.

use super::{PageError, PageForm, PagePath, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::calendar::parse_date;
use dieuhanh_core::competence::{
    self, Authority, Decision, DecisionKind, Instrument, Party, Scope, Units,
};
use std::collections::HashMap;

pub struct Row {
    pub id: i64,
    pub kind: String,
    pub instrument: String,
    pub signer: String,
    pub from: String,
    pub to: String,
    pub scope: String,
    pub units: String,
    pub validity: String,
    pub in_force: bool,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "admin_competence.html")]
struct Page<'a> {
    ctx: &'a PageCtx,
    rows: Vec<Row>,
    levels: Vec<(String, String)>,
    gaps: usize,
    error: Option<String>,
    message: Option<String>,
    entered: HashMap<String, String>,
}

fn date_text(d: jiff::civil::Date) -> String {
    d.strftime("%d/%m/%Y").to_string()
}

async fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
    entered: HashMap<String, String>,
) -> Result<Response, PageError> {
    ctx.require_operator()?;
    let today = crate::direction::today();
    let units = dieuhanh_store::units::all_current(&state.store).await?;
    let unit_name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    let rows = dieuhanh_store::competence::all(&state.store)
        .await?
        .into_iter()
        .rev()
        .map(|d| Row {
            id: d.id,
            kind: d.kind.label().to_string(),
            instrument: d.instrument.label(),
            signer: d.instrument.signer.clone(),
            from: d.from.label(),
            to: match d.to.authority() {
                Some(Authority::UnitDeputy { unit, person }) => {
                    format!("{person} — {}", unit_name(*unit))
                }
                _ => d.to.label(),
            },
            scope: d
                .scope
                .procedures
                .iter()
                .chain(d.scope.domains.iter())
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            units: match &d.units {
                Units::All => ctx.t.get("competence.all_units").to_string(),
                Units::List(ids) => ids
                    .iter()
                    .map(|i| unit_name(*i))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            validity: format!(
                "{} – {}",
                date_text(d.valid_from),
                d.valid_to.map(date_text).unwrap_or_default()
            ),
            in_force: d.in_force(today),
            revoked: d.revoked.is_some(),
        })
        .collect();
    let mut levels = vec![
        ("commune".to_string(), "UBND cấp xã".to_string()),
        ("city".to_string(), "UBND Thành phố".to_string()),
    ];
    levels.extend(
        units
            .iter()
            .filter(|u| u.kind == dieuhanh_core::org::UnitKind::Department)
            .map(|u| (format!("department:{}", u.code), u.name.clone())),
    );
    let gaps = crate::competence::gaps(state).await?.len();
    Ok(render(
        status,
        &Page {
            ctx,
            rows,
            levels,
            gaps,
            error,
            message,
            entered,
        },
    ))
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = page(&state, &ctx, StatusCode::OK, None, None, HashMap::new()).await;
    respond(&ctx, result)
}

fn lines(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Builds a decision from the form, or the translation key of what is wrong.
async fn decision_of(
    state: &AppState,
    form: &HashMap<String, String>,
) -> Result<Decision, &'static str> {
    let get = |k: &str| {
        form.get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let kind = match get("kind").as_str() {
        "decentralisation" => DecisionKind::Decentralisation,
        "delegation" => DecisionKind::Delegation,
        _ => return Err("competence.err.kind"),
    };
    let signed = parse_date(&get("signed")).ok_or("competence.err.signed")?;
    let valid_from = parse_date(&get("valid_from")).ok_or("competence.err.valid_from")?;
    let valid_to = match get("valid_to").as_str() {
        "" => None,
        text => Some(parse_date(text).ok_or("competence.err.valid_to")?),
    };
    let level = |k: &str| crate::competence::parse_level(&get(k)).ok_or("competence.err.party");
    let mut unit_ids = Vec::new();
    for code in lines(&get("units")) {
        let unit = dieuhanh_store::units::by_code(&state.store, &code)
            .await
            .map_err(|_| "competence.err.units")?;
        unit_ids.push(unit.id);
    }
    let from = Party::Level(level("from")?);
    let to = match kind {
        DecisionKind::Delegation => {
            let person = get("deputy");
            let [unit] = unit_ids.as_slice() else {
                return Err("competence.err.delegation_unit");
            };
            if person.is_empty() || person.chars().count() > 200 {
                return Err("competence.err.deputy");
            }
            Party::Authority(Authority::UnitDeputy {
                unit: *unit,
                person,
            })
        }
        DecisionKind::Decentralisation => Party::Level(level("to")?),
    };
    let decision = Decision {
        id: 0,
        kind,
        instrument: Instrument {
            number: get("number"),
            signed,
            signer: get("signer"),
        },
        from,
        to,
        scope: Scope {
            procedures: lines(&get("procedures")),
            domains: lines(&get("domains")),
        },
        units: if unit_ids.is_empty() {
            Units::All
        } else {
            Units::List(unit_ids)
        },
        valid_from,
        valid_to,
        revoked: None,
    };
    competence::validate(&decision).map_err(|e| match e.code() {
        "missing_instrument_number" => "competence.err.number",
        "missing_signer" => "competence.err.signer",
        "empty_scope" | "blank_scope_entry" => "competence.err.scope",
        "ends_before_start" => "competence.err.valid_to",
        "effective_before_signed" => "competence.err.valid_from",
        "same_level" | "self_delegation" | "to_level_without_holder" => "competence.err.party",
        _ => "competence.err.other",
    })?;
    Ok(decision)
}

pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        match decision_of(&state, &form).await {
            Ok(d) => {
                let root = dieuhanh_store::units::root(&state.store).await?;
                let mut tx = state.store.begin().await?;
                dieuhanh_store::competence::add(&mut tx, &d, actor, root.id).await?;
                tx.commit().await?;
                let done = ctx.t.get("competence.saved").to_string();
                page(
                    &state,
                    &ctx,
                    StatusCode::OK,
                    Some(done),
                    None,
                    HashMap::new(),
                )
                .await
            }
            Err(key) => {
                let mut entered = form.clone();
                entered.remove("csrf");
                let error = ctx.t.get(key).to_string();
                page(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    None,
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

pub async fn revoke(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let effective = match form.get("effective").map(|s| s.trim()) {
            None | Some("") => crate::direction::today(),
            Some(text) => match parse_date(text) {
                Some(d) => d,
                None => {
                    let error = ctx.t.get("competence.err.effective").to_string();
                    return page(
                        &state,
                        &ctx,
                        StatusCode::BAD_REQUEST,
                        None,
                        Some(error),
                        HashMap::new(),
                    )
                    .await;
                }
            },
        };
        let root = dieuhanh_store::units::root(&state.store).await?;
        let mut tx = state.store.begin().await?;
        dieuhanh_store::competence::revoke(&mut tx, id, effective, actor, root.id)
            .await
            .map_err(|e| match e {
                dieuhanh_store::StoreError::NotFound => PageError::not_found(),
                other => other.into(),
            })?;
        tx.commit().await?;
        let done = ctx.t.get("competence.revoked").to_string();
        page(
            &state,
            &ctx,
            StatusCode::OK,
            Some(done),
            None,
            HashMap::new(),
        )
        .await
    }
    .await;
    respond(&ctx, result)
}

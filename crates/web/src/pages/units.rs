//! The unit register: search (without diacritics) with the map, and a unit's page.

use super::map::{MapView, locator, view};
use super::{PageError, PageQuery, kind_key, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::org::UnitKind;
use dieuhanh_core::paging::Page;
use dieuhanh_core::policy::{self, Action};
use dieuhanh_store::units::{self, Unit, UnitQuery};
use dieuhanh_store::users::{self, PeopleQuery, Person};
use std::collections::HashSet;

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage<'a> {
    ctx: &'a PageCtx,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, &'a str)>,
    units: Vec<Unit>,
    total: i64,
    map: Option<MapView>,
    error: Option<&'a str>,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<ListParams>,
) -> Response {
    respond(&ctx, list_body(&state, &ctx, params).await)
}

async fn list_body(
    state: &AppState,
    ctx: &PageCtx,
    params: ListParams,
) -> Result<Response, PageError> {
    let mut error = None;
    let kind = if params.kind.is_empty() {
        None
    } else {
        let parsed = UnitKind::parse(&params.kind);
        if parsed.is_none() {
            error = Some(ctx.t.get("units.bad_kind"));
        }
        parsed
    };
    let query = UnitQuery {
        text: Some(params.q.clone()),
        kind,
    };
    let page = Page::new(Some(1), Some(dieuhanh_core::paging::MAX_PAGE_SIZE)).unwrap_or_default();
    let (found, total) = units::search(&state.store, &query, page).await?;
    let all = units::all_current(&state.store).await?;
    let filtering = !params.q.trim().is_empty() || kind.is_some();
    let hits: HashSet<&str> = if filtering {
        found.iter().map(|u| u.code.as_str()).collect()
    } else {
        HashSet::new()
    };
    let kinds = [
        UnitKind::City,
        UnitKind::Department,
        UnitKind::Ward,
        UnitKind::Commune,
        UnitKind::SpecialZone,
    ]
    .into_iter()
    .map(|k| (k.as_str(), ctx.t.get(kind_key(&k))))
    .collect();
    let page = UnitsPage {
        ctx,
        q: params.q,
        kind: params.kind,
        kinds,
        map: view(state, &all, &hits, "hit"),
        units: found,
        total,
        error,
    };
    Ok(render(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &page,
    ))
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage<'a> {
    ctx: &'a PageCtx,
    unit: Unit,
    parent: Option<Unit>,
    valid_from: String,
    people: Option<Vec<Person>>,
    leaders: Vec<String>,
    visits: Option<Vec<(String, String, String)>>,
    can_audit: bool,
    map: Option<MapView>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Response {
    respond(&ctx, show_body(&state, &ctx, &code).await)
}

async fn show_body(state: &AppState, ctx: &PageCtx, code: &str) -> Result<Response, PageError> {
    let unit = units::by_code(&state.store, code).await?;
    let parent = match unit.parent_id {
        Some(id) => Some(units::by_id(&state.store, id).await?),
        None => None,
    };
    let principal = ctx.viewer.as_ref().map(|v| v.principal());
    let allowed = |action| {
        principal
            .as_ref()
            .is_some_and(|p| policy::allows(p, action, unit.id))
    };
    let people = if allowed(Action::ViewPeople) {
        let query = PeopleQuery {
            text: None,
            unit_id: Some(unit.id),
        };
        let scope = policy::scope(
            principal.as_ref().ok_or_else(PageError::forbidden)?,
            Action::ViewPeople,
        );
        Some(
            users::search(&state.store, &scope, &query, Page::default())
                .await?
                .0,
        )
    } else {
        None
    };
    let all = units::all_current(&state.store).await?;
    let map = locator(state, &all, &unit.code);
    // Who is in charge is public; what they found is for those who follow the unit's work.
    let leaders = dieuhanh_store::visits::assignments(&state.store, None)
        .await?
        .into_iter()
        .filter(|a| a.unit_id == unit.id)
        .map(|a| a.leader_name)
        .collect();
    let visits = if allowed(Action::ViewWork) {
        Some(
            dieuhanh_store::visits::visits(&state.store, Some(unit.id), 10)
                .await?
                .into_iter()
                .map(|v| {
                    (
                        dieuhanh_core::time::format_civil_date(&v.visit_date),
                        v.leader_name,
                        v.findings,
                    )
                })
                .collect(),
        )
    } else {
        None
    };
    let page = UnitPage {
        ctx,
        valid_from: dieuhanh_core::time::format_civil_date(&unit.valid_from),
        parent,
        people,
        leaders,
        visits,
        can_audit: allowed(Action::ViewAudit),
        map,
        unit,
    };
    Ok(render(StatusCode::OK, &page))
}

//! The public citizen-report portal (/phan-anh), no sign-in needed and no JavaScript:
//! recent reports with their points on the city map, a report's public page, and the
//! form in three steps: click the map (an image input sends the pixel), choose the
//! category, describe it (with a photo).

use super::{PageError, PagePath, PageQuery, render, respond};
use crate::auth::PageCtx;
use crate::open311::intake::{self, Source};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dieuhanh_core::geography::Coordinate;
use dieuhanh_core::time::{format_civil_date, format_datetime};
use dieuhanh_store::citizen::{self, PublicReport, ReportQuery, Service};

/// Recent reports shown on the portal: the last 30 days, at most this many.
const RECENT: i64 = 200;
const RECENT_DAYS: i64 = 30;
/// A duplicate is the same category within this distance in the last 30 days.
const DUPLICATE_METRES: f64 = 50.0;

pub struct Dot {
    pub x: String,
    pub y: String,
    pub id: String,
    pub closed: bool,
}

pub struct Line {
    pub public_id: String,
    pub service: String,
    pub agency: String,
    pub status: String,
    pub closed: bool,
    pub received: String,
}

fn line(ctx: &PageCtx, r: &PublicReport) -> Line {
    let status = dieuhanh_core::open311::public_status(&r.state);
    Line {
        public_id: r.public_id.clone(),
        service: r.service_name.clone(),
        agency: r.agency.clone(),
        status: ctx.label("citizen_state", &r.state),
        closed: status == "closed",
        received: format_datetime(r.requested_at_us),
    }
}

#[derive(Template)]
#[template(path = "portal.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    map: Option<super::map::MapView>,
    dots: Vec<Dot>,
    lines: Vec<Line>,
    unit: String,
    units: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    unit: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<ListParams>,
) -> Response {
    let result = async {
        let all = dieuhanh_store::units::all_current(&state.store).await?;
        let unit = all.iter().find(|u| u.code == params.unit.trim());
        let now = dieuhanh_core::time::now_us();
        let reports = citizen::reports(
            &state.store,
            &ReportQuery {
                from_us: now - RECENT_DAYS * 86_400_000_000,
                to_us: now,
                unit_id: unit.map(|u| u.id),
                limit: RECENT,
                ..ReportQuery::default()
            },
        )
        .await?;
        let dots = match &state.geography {
            Some(geo) => reports
                .iter()
                .filter_map(|r| {
                    let (x, y) = geo.map.projection.to_pixel(r.lat?, r.lon?);
                    Some(Dot {
                        x: format!("{x:.1}"),
                        y: format!("{y:.1}"),
                        id: r.public_id.clone(),
                        closed: dieuhanh_core::open311::public_status(&r.state) == "closed",
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        let mut units: Vec<(String, String)> = all
            .iter()
            .filter(|u| u.kind.is_communal() || u.kind == dieuhanh_core::org::UnitKind::Department)
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect();
        units.sort_by_key(|u| dieuhanh_core::text::fold(&u.1));
        let map = super::map::view(&state, &all, &Default::default(), "");
        Ok(render(
            StatusCode::OK,
            &ListPage {
                ctx: &ctx,
                map,
                dots,
                lines: reports.iter().map(|r| line(&ctx, r)).collect(),
                unit: unit.map(|u| u.code.clone()).unwrap_or_default(),
                units,
            },
        ))
    }
    .await;
    respond(&ctx, result)
}

/// The city map as a standalone SVG image, for the point picker.
pub async fn map_svg(State(state): State<AppState>) -> Response {
    let Some(geo) = &state.geography else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let m = &geo.map;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.1} {h:.1}\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#eef3f7\"/>",
        w = m.width,
        h = m.height
    );
    for p in &m.paths {
        svg.push_str(&format!(
            "<path d=\"{}\" fill=\"#ffffff\" stroke=\"#5b7083\" stroke-width=\"0.6\"/>",
            p.d
        ));
    }
    if let Some((x, y, w, h)) = m.inset_box {
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"none\" stroke=\"#5b7083\" stroke-dasharray=\"4 3\"/>"
        ));
    }
    svg.push_str("</svg>");
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        svg,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "portal_new.html")]
struct NewPage<'a> {
    ctx: &'a PageCtx,
    map_width: String,
    map_height: String,
    /// The point chosen so far and the unit containing it.
    point: Option<(String, String, String)>,
    services: Vec<Service>,
    service: Option<Service>,
    errors: Vec<String>,
    entered: std::collections::HashMap<String, String>,
}

#[derive(serde::Deserialize, Default)]
pub struct NewParams {
    #[serde(rename = "pick.x")]
    pick_x: Option<f64>,
    #[serde(rename = "pick.y")]
    pick_y: Option<f64>,
    lat: Option<f64>,
    long: Option<f64>,
    #[serde(default)]
    service: String,
    /// Report without a point (address only).
    #[serde(default)]
    no_map: Option<String>,
}

async fn new_page(
    state: &AppState,
    ctx: &PageCtx,
    params: &NewParams,
    status: StatusCode,
    errors: Vec<String>,
    entered: std::collections::HashMap<String, String>,
) -> Result<Response, PageError> {
    let geo = state.geography.as_ref();
    let point = match (params.pick_x, params.pick_y, params.lat, params.long) {
        (Some(x), Some(y), _, _) => geo.map(|g| g.map.coordinate_at(x, y)),
        (_, _, Some(lat), Some(lon)) => Some((lat, lon)),
        _ => None,
    };
    let located = point.and_then(|(lat, lon)| {
        let c = Coordinate::new(lat, lon).ok()?;
        let code = geo?.index.locate(c)?.to_string();
        Some((lat, lon, code))
    });
    let mut errors = errors;
    if point.is_some() && located.is_none() {
        errors.push(ctx.t.get("portal.outside").to_string());
    }
    let mut point_view = None;
    if let Some((lat, lon, code)) = &located {
        let unit = dieuhanh_store::units::by_code(&state.store, code).await?;
        point_view = Some((format!("{lat:.6}"), format!("{lon:.6}"), unit.name));
    }
    let services = citizen::services(&state.store).await?;
    let service = services
        .iter()
        .find(|s| s.code == params.service.trim())
        .cloned()
        .filter(|_| point_view.is_some() || params.no_map.is_some());
    let (map_width, map_height) = geo
        .map(|g| {
            (
                format!("{:.0}", g.map.width),
                format!("{:.0}", g.map.height),
            )
        })
        .unwrap_or_default();
    Ok(render(
        status,
        &NewPage {
            ctx,
            map_width,
            map_height,
            point: point_view,
            services,
            service,
            errors,
            entered,
        },
    ))
}

pub async fn new(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<NewParams>,
) -> Response {
    respond(
        &ctx,
        new_page(
            &state,
            &ctx,
            &params,
            StatusCode::OK,
            Vec::new(),
            Default::default(),
        )
        .await,
    )
}

#[derive(Template)]
#[template(path = "portal_report.html")]
struct ReportPage<'a> {
    ctx: &'a PageCtx,
    r: PublicReport,
    received: String,
    updated: String,
    due: String,
    status: String,
    notice: String,
    history: Vec<(String, String, String)>,
    created_now: bool,
    duplicate: Option<String>,
}

async fn report_page(
    state: &AppState,
    ctx: &PageCtx,
    r: PublicReport,
    created_now: bool,
    duplicate: Option<String>,
) -> Result<Response, PageError> {
    // The public history: when each step happened, and the notes meant for the public.
    let history = dieuhanh_store::direction::events(&state.store, r.item_id)
        .await?
        .into_iter()
        .map(|e| {
            let public_note = matches!(e.action.as_str(), "resolve" | "reject" | "reopen");
            (
                format_datetime(e.at_us),
                ctx.label("citizen_action", &e.action),
                if public_note { e.note } else { String::new() },
            )
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ReportPage {
            ctx,
            received: format_datetime(r.requested_at_us),
            updated: format_datetime(r.updated_at_us),
            due: format_civil_date(&r.due_date),
            status: ctx.label("citizen_state", &r.state),
            notice: crate::open311::notice(&r),
            history,
            created_now,
            duplicate,
            r,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(public_id): PagePath<String>,
) -> Response {
    let result = async {
        let found = citizen::reports(
            &state.store,
            &ReportQuery {
                public_ids: vec![public_id.clone()],
                limit: 1,
                ..ReportQuery::default()
            },
        )
        .await?;
        let r = found.into_iter().next().ok_or_else(PageError::not_found)?;
        report_page(&state, &ctx, r, false, None).await
    }
    .await;
    respond(&ctx, result)
}

/// Files the report (multipart, with an optional photo).
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let (fields, media) = match intake::read_body(&headers, body).await {
            Ok(v) => v,
            Err(_) => return Err(PageError::Status(StatusCode::BAD_REQUEST, "error.bad_form")),
        };
        let user = ctx.viewer.as_ref().map(|v| v.user.id);
        let entered: std::collections::HashMap<String, String> = fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .cloned()
            .collect();
        match intake::create(&state, &fields, media, Source::Portal { user }).await {
            Ok(r) => {
                let duplicate = match (r.lat, r.lon) {
                    (Some(lat), Some(lon)) => citizen::nearby(
                        &state.store,
                        &r.service_code,
                        lat,
                        lon,
                        DUPLICATE_METRES,
                        dieuhanh_core::time::now_us() - RECENT_DAYS * 86_400_000_000,
                        Some(r.item_id),
                    )
                    .await?
                    .map(|d| d.public_id),
                    _ => None,
                };
                report_page(&state, &ctx, r, true, duplicate).await
            }
            Err(problems) => {
                let params = NewParams {
                    lat: entered.get("lat").and_then(|v| v.parse().ok()),
                    long: entered.get("long").and_then(|v| v.parse().ok()),
                    service: entered.get("service_code").cloned().unwrap_or_default(),
                    no_map: (!entered.contains_key("lat")).then(|| "1".to_string()),
                    ..NewParams::default()
                };
                let errors = problems.iter().map(|p| p.text(&ctx.t)).collect();
                new_page(
                    &state,
                    &ctx,
                    &params,
                    StatusCode::BAD_REQUEST,
                    errors,
                    entered,
                )
                .await
            }
        }
    }
    .await;
    respond(&ctx, result)
}

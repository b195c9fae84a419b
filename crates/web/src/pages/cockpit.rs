//! The cockpit page for city leaders: 168 units, red flags first, a map coloured by the
//! chosen measure.

use super::map::{MapView, choropleth};
use super::{PageError, PageQuery, kind_key, render, respond};
use crate::auth::PageCtx;
use crate::cockpit::{self, Filter, SORTS, Totals, UnitRow};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::org::UnitKind;
use std::collections::{BTreeSet, HashMap};

pub const MEASURES: [&str; 7] = [
    "overdue",
    "on_time_rate",
    "open",
    "reports_overdue",
    "citizen_overdue",
    "dossiers_overdue",
    "index766",
];

#[derive(Template)]
#[template(path = "cockpit.html")]
struct CockpitPage<'a> {
    ctx: &'a PageCtx,
    rows: Vec<UnitRow>,
    totals: Totals,
    kinds: Vec<(&'static str, &'a str)>,
    provinces: Vec<String>,
    sorts: Vec<(&'static str, &'a str)>,
    measures: Vec<(&'static str, &'a str)>,
    filter_kind: String,
    leaders: Vec<(i64, String)>,
    filter_leader: i64,
    filter_province: String,
    sort: String,
    measure: String,
    map: Option<MapView>,
    legend: Vec<(&'static str, &'a str)>,
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    old_province: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    measure: String,
    leader: Option<i64>,
}

/// The colour class (b0 best … b4 worst, bn no data) of a unit for a measure.
fn bucket(measure: &str, row: &UnitRow) -> &'static str {
    let level = |v: i64, limits: [i64; 4]| match limits.iter().position(|l| v <= *l) {
        Some(0) => "b0",
        Some(1) => "b1",
        Some(2) => "b2",
        Some(_) => "b3",
        None => "b4",
    };
    match measure {
        "on_time_rate" => match row.on_time_rate {
            None => "bn",
            Some(r) => level(100 - r, [5, 15, 30, 50]),
        },
        "open" => level(row.open, [0, 2, 5, 9]),
        "reports_overdue" => level(row.reports_overdue, [0, 1, 2, 3]),
        "citizen_overdue" => level(row.citizen_overdue, [0, 1, 3, 5]),
        "dossiers_overdue" => level(row.dossiers_overdue as i64, [0, 1, 3, 5]),
        // 766 points missing from 100, in bands.
        "index766" if row.dossiers == 0 => "bn",
        "index766" => level(100 - row.index766.round() as i64, [20, 30, 40, 50]),
        _ => level(row.overdue, [0, 1, 3, 5]),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<Params>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        cockpit::require(&principal).map_err(|_| PageError::forbidden())?;
        let measure = if MEASURES.contains(&params.measure.as_str()) {
            params.measure.clone()
        } else {
            "overdue".to_string()
        };
        let sort = if SORTS.contains(&params.sort.as_str()) {
            params.sort.clone()
        } else {
            "red_flags".to_string()
        };
        let filter = Filter {
            kind: Some(params.kind.clone())
                .filter(|k| UnitKind::parse(k).is_some_and(|k| k.is_communal())),
            old_province: Some(params.old_province.clone()).filter(|p| !p.is_empty()),
            leader: params.leader,
            sort: sort.clone(),
        };
        let (rows, totals, units) = cockpit::rows(&state, &filter)
            .await
            .map_err(PageError::from)?;
        let by_code: HashMap<&str, &UnitRow> = rows.iter().map(|r| (r.code.as_str(), r)).collect();
        let map = choropleth(&state, &units, |code| {
            by_code.get(code).map(|r| bucket(&measure, r).to_string())
        });
        let provinces: BTreeSet<String> = units
            .iter()
            .filter_map(|u| u.old_province.clone())
            .collect();
        let t = |k| ctx.t.get(k);
        let legend_keys: [(&'static str, &'static str); 6] = match measure.as_str() {
            "on_time_rate" => [
                ("b0", "cockpit.legend.rate_b0"),
                ("b1", "cockpit.legend.rate_b1"),
                ("b2", "cockpit.legend.rate_b2"),
                ("b3", "cockpit.legend.rate_b3"),
                ("b4", "cockpit.legend.rate_b4"),
                ("bn", "cockpit.legend.none"),
            ],
            "index766" => [
                ("b0", "cockpit.legend.index_b0"),
                ("b1", "cockpit.legend.index_b1"),
                ("b2", "cockpit.legend.index_b2"),
                ("b3", "cockpit.legend.index_b3"),
                ("b4", "cockpit.legend.index_b4"),
                ("bn", "cockpit.legend.none"),
            ],
            "citizen_overdue" | "dossiers_overdue" => [
                ("b0", "cockpit.legend.overdue_b0"),
                ("b1", "cockpit.legend.overdue_b1"),
                ("b2", "cockpit.legend.overdue_b2"),
                ("b3", "cockpit.legend.overdue_b3"),
                ("b4", "cockpit.legend.overdue_b4"),
                ("bn", "cockpit.legend.none"),
            ],
            "reports_overdue" => [
                ("b0", "cockpit.legend.reports_b0"),
                ("b1", "cockpit.legend.reports_b1"),
                ("b2", "cockpit.legend.reports_b2"),
                ("b3", "cockpit.legend.reports_b3"),
                ("b4", "cockpit.legend.reports_b4"),
                ("bn", "cockpit.legend.none"),
            ],
            "open" => [
                ("b0", "cockpit.legend.open_b0"),
                ("b1", "cockpit.legend.open_b1"),
                ("b2", "cockpit.legend.open_b2"),
                ("b3", "cockpit.legend.open_b3"),
                ("b4", "cockpit.legend.open_b4"),
                ("bn", "cockpit.legend.none"),
            ],
            _ => [
                ("b0", "cockpit.legend.overdue_b0"),
                ("b1", "cockpit.legend.overdue_b1"),
                ("b2", "cockpit.legend.overdue_b2"),
                ("b3", "cockpit.legend.overdue_b3"),
                ("b4", "cockpit.legend.overdue_b4"),
                ("bn", "cockpit.legend.none"),
            ],
        };
        let page = CockpitPage {
            ctx: &ctx,
            kinds: [UnitKind::Ward, UnitKind::Commune, UnitKind::SpecialZone]
                .iter()
                .map(|k| (k.as_str(), t(kind_key(k))))
                .collect(),
            provinces: provinces.into_iter().collect(),
            sorts: SORTS.iter().map(|s| (*s, t(sort_key(s)))).collect(),
            measures: MEASURES.iter().map(|m| (*m, t(measure_key(m)))).collect(),
            filter_kind: filter.kind.clone().unwrap_or_default(),
            leaders: {
                let mut seen: Vec<(i64, String)> =
                    dieuhanh_store::visits::assignments(&state.store, None)
                        .await?
                        .into_iter()
                        .map(|a| (a.leader_id, a.leader_name))
                        .collect();
                seen.dedup();
                seen
            },
            filter_leader: params.leader.unwrap_or(0),
            filter_province: filter.old_province.clone().unwrap_or_default(),
            legend: legend_keys.iter().map(|(c, k)| (*c, t(k))).collect(),
            rows,
            totals,
            sort,
            measure: measure.clone(),
            map,
        };
        Ok(render(StatusCode::OK, &page))
    }
    .await;
    respond(&ctx, result)
}

fn sort_key(sort: &str) -> &'static str {
    match sort {
        "overdue" => "cockpit.sort_overdue",
        "on_time_rate" => "cockpit.sort_on_time_rate",
        "name" => "cockpit.sort_name",
        _ => "cockpit.sort_red_flags",
    }
}

fn measure_key(measure: &str) -> &'static str {
    match measure {
        "on_time_rate" => "cockpit.on_time_rate",
        "open" => "cockpit.open",
        "reports_overdue" => "cockpit.reports_overdue",
        "citizen_overdue" => "cockpit.citizen_overdue",
        "dossiers_overdue" => "cockpit.dossiers_overdue",
        "index766" => "cockpit.index766",
        _ => "cockpit.overdue",
    }
}

/// The cockpit as an Excel workbook, with the filters of the page.
pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<Params>,
) -> Response {
    let result = async {
        let principal = ctx.require()?.principal();
        cockpit::require(&principal).map_err(|_| PageError::forbidden())?;
        let filter = Filter {
            kind: Some(params.kind.clone())
                .filter(|k| UnitKind::parse(k).is_some_and(|k| k.is_communal())),
            old_province: Some(params.old_province.clone()).filter(|p| !p.is_empty()),
            leader: params.leader,
            sort: if SORTS.contains(&params.sort.as_str()) {
                params.sort.clone()
            } else {
                "red_flags".to_string()
            },
        };
        let (rows, _, _) = cockpit::rows(&state, &filter)
            .await
            .map_err(PageError::from)?;
        let bytes = workbook(&ctx, &rows).map_err(|e| PageError::Internal(e.to_string()))?;
        let name = format!("cockpit-{}.xlsx", crate::direction::today());
        Ok(super::xlsx_response(&name, bytes))
    }
    .await;
    respond(&ctx, result)
}

fn workbook(ctx: &PageCtx, rows: &[UnitRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(ctx.t.get("cockpit.sheet"))?;
    let bold = Format::new().set_bold();
    let headers = [
        ctx.t.get("unit.code"),
        ctx.t.get("people.unit"),
        ctx.t.get("unit.old_province"),
        ctx.t.get("cockpit.open"),
        ctx.t.get("cockpit.overdue"),
        ctx.t.get("cockpit.due_soon"),
        ctx.t.get("cockpit.on_time_rate"),
        ctx.t.get("nav.obstacles"),
        ctx.t.get("cockpit.obstacles_overdue_col"),
        ctx.t.get("cockpit.days_since_visit"),
        ctx.t.get("cockpit.reports_overdue"),
        ctx.t.get("cockpit.reports_late"),
        ctx.t.get("cockpit.citizen_open"),
        ctx.t.get("cockpit.citizen_overdue"),
        ctx.t.get("cockpit.citizen_median"),
    ];
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *header, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        // User-facing text is written as strings, never as formulas.
        sheet.write_string(row, 0, &r.code)?;
        sheet.write_string(row, 1, &r.name)?;
        sheet.write_string(row, 2, r.old_province.as_deref().unwrap_or(""))?;
        sheet.write_number(row, 3, r.open as f64)?;
        sheet.write_number(row, 4, r.overdue as f64)?;
        sheet.write_number(row, 5, r.due_soon as f64)?;
        if let Some(rate) = r.on_time_rate {
            sheet.write_number(row, 6, rate as f64)?;
        }
        sheet.write_number(row, 7, r.obstacles_open as f64)?;
        sheet.write_number(row, 8, r.obstacles_overdue as f64)?;
        if let Some(days) = r.days_since_visit {
            sheet.write_number(row, 9, days as f64)?;
        }
        sheet.write_number(row, 10, r.reports_overdue as f64)?;
        sheet.write_number(row, 11, r.reports_late as f64)?;
        sheet.write_number(row, 12, r.citizen_open as f64)?;
        sheet.write_number(row, 13, r.citizen_overdue as f64)?;
        if let Some(days) = r.citizen_median_days {
            sheet.write_number(row, 14, days as f64)?;
        }
    }
    sheet.autofit();
    book.save_to_buffer()
}

//! On-time statistics and the Decision 766 index of every unit for a period, ranked, with
//! the numbers behind each point (/dossiers/statistics); one unit's indicators with their
//! formula inputs and source; an xlsx export; figures an administrator enters for the
//! indicators that depend on outside systems.

use super::{PageError, PageForm, PagePath, PageQuery, render, respond, xlsx_response};
use crate::auth::PageCtx;
use crate::state::AppState;
use crate::statistics::{self, UnitLine};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dieuhanh_core::index766::{self, Figures, Source, Status, round2};
use dieuhanh_core::reporting::Period;

fn period_of(key: &str) -> Result<Period, PageError> {
    statistics::requested_period(Some(key)).ok_or(PageError::Status(
        StatusCode::BAD_REQUEST,
        "stats.bad_period",
    ))
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_string(), |s| format!("{:.2} %", s * 100.0))
}

fn points(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_string(), |p| format!("{:.2}", round2(p)))
}

fn require_official(ctx: &PageCtx) -> Result<(), PageError> {
    let viewer = ctx.require()?;
    if viewer.user.role.is_official() {
        Ok(())
    } else {
        Err(PageError::forbidden())
    }
}

pub struct Line {
    pub rank: u32,
    pub code: String,
    pub name: String,
    pub received: u64,
    pub early: u64,
    pub on_time: u64,
    pub late: u64,
    pub pending_within: u64,
    pub pending_overdue: u64,
    pub share: String,
    pub score: String,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    period: String,
    period_label: String,
    lines: Vec<Line>,
    city: Line,
    median: String,
    heavy: Vec<(String, String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct PeriodParams {
    #[serde(default)]
    period: String,
}

fn line(l: &UnitLine, mine: bool) -> Line {
    let c = &l.counts;
    Line {
        rank: l.rank,
        code: l.unit_code.clone(),
        name: l.unit_name.clone(),
        received: c.received,
        early: c.early,
        on_time: c.on_time,
        late: c.late,
        pending_within: c.pending_within,
        pending_overdue: c.pending_overdue,
        share: percent(c.on_time_share()),
        score: format!("{:.2}", round2(l.score.total)),
        mine,
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<PeriodParams>,
) -> Response {
    let result = async {
        require_official(&ctx)?;
        let my_unit = ctx.require()?.unit.id;
        let period = period_of(&params.period)?;
        let lines = statistics::compute(&state, &period).await?;
        let mut city = statistics::UnitCounts::default();
        for l in &lines {
            let c = &l.counts;
            city.received += c.received;
            city.early += c.early;
            city.on_time += c.on_time;
            city.late += c.late;
            city.pending_within += c.pending_within;
            city.pending_overdue += c.pending_overdue;
        }
        let (median, per_unit) = statistics::workload(&state, &lines).await?;
        let heavy = per_unit
            .into_iter()
            .filter(|(_, _, v)| median > 0.0 && *v >= 2.0 * median)
            .map(|(code, name, v)| (code, name, format!("{v:.1}")))
            .collect();
        Ok(render(
            StatusCode::OK,
            &ListPage {
                ctx: &ctx,
                period: period.key(),
                period_label: period.label(),
                lines: lines
                    .iter()
                    .map(|l| line(l, l.unit_id == my_unit))
                    .collect(),
                city: Line {
                    rank: 0,
                    code: String::new(),
                    name: ctx.t.get("stats.city").to_string(),
                    received: city.received,
                    early: city.early,
                    on_time: city.on_time,
                    late: city.late,
                    pending_within: city.pending_within,
                    pending_overdue: city.pending_overdue,
                    share: percent(city.on_time_share()),
                    score: String::new(),
                    mine: false,
                },
                median: format!("{median:.1}"),
                heavy,
            },
        ))
    }
    .await;
    respond(&ctx, result)
}

pub struct IndicatorRow {
    pub code: &'static str,
    pub name: &'static str,
    pub source: String,
    pub figures: String,
    pub ratio: String,
    pub points: String,
    pub max: String,
    pub status: String,
    pub external: bool,
}

#[derive(Template)]
#[template(path = "statistics_unit.html")]
struct UnitPage<'a> {
    ctx: &'a PageCtx,
    period: String,
    period_label: String,
    unit_code: String,
    unit_name: String,
    rank: u32,
    total: String,
    attainable: String,
    rows: Vec<IndicatorRow>,
    groups: Vec<(String, String, String)>,
    can_enter: bool,
    error: Option<String>,
    message: Option<String>,
}

fn figures_text(f: &Option<Figures>) -> String {
    let n = |x: f64| dieuhanh_core::reporting::format_number(x, true);
    match f {
        Some(Figures::Ratio(c)) => format!("{} / {}", n(c.numerator()), n(c.denominator())),
        Some(Figures::Payment(p)) => format!(
            "A {} / {} · B {} / {} · C {} / {}",
            n(p.dossiers_paid_online.numerator()),
            n(p.dossiers_paid_online.denominator()),
            n(p.procedures_paid_online.numerator()),
            n(p.procedures_paid_online.denominator()),
            n(p.procedures_with_dossiers.numerator()),
            n(p.procedures_with_dossiers.denominator()),
        ),
        None => "—".to_string(),
    }
}

async fn unit_page(
    state: &AppState,
    ctx: &PageCtx,
    code: &str,
    key: &str,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    require_official(ctx)?;
    let period = period_of(key)?;
    let lines = statistics::compute(state, &period).await?;
    let l = lines
        .iter()
        .find(|l| l.unit_code == code)
        .ok_or_else(PageError::not_found)?;
    let rows = l
        .score
        .indicators
        .iter()
        .map(|s| IndicatorRow {
            code: s.indicator.code,
            name: s.indicator.name_vi,
            source: match (s.indicator.source, &s.source) {
                (_, Some(src)) => format!("{}: {src}", ctx.t.get("stats.entered")),
                (Source::Platform, None) => ctx.t.get("stats.platform").to_string(),
                (Source::External, None) => ctx.t.get("stats.external").to_string(),
            },
            figures: figures_text(&s.figures),
            ratio: percent(s.ratio),
            points: points(s.points),
            max: format!("{:.0}", s.max_points),
            status: ctx.label("stats.status", s.status.as_str()),
            external: s.indicator.source == Source::External || s.status == Status::NoData,
        })
        .collect();
    let groups = l
        .score
        .groups
        .iter()
        .map(|g| {
            (
                format!("{}. {}", g.group.code(), g.group.name_vi()),
                points(g.points),
                format!("{:.0}", g.max_points),
            )
        })
        .collect();
    Ok(render(
        status,
        &UnitPage {
            ctx,
            period: period.key(),
            period_label: period.label(),
            unit_code: l.unit_code.clone(),
            unit_name: l.unit_name.clone(),
            rank: l.rank,
            total: format!("{:.2}", round2(l.score.total)),
            attainable: format!("{:.0}", l.score.attainable),
            rows,
            groups,
            can_enter: ctx.is_admin(),
            error,
            message,
        },
    ))
}

pub async fn unit(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(code): PagePath<String>,
    PageQuery(params): PageQuery<PeriodParams>,
) -> Response {
    let result = unit_page(
        &state,
        &ctx,
        &code,
        &params.period,
        StatusCode::OK,
        None,
        None,
    )
    .await;
    respond(&ctx, result)
}

#[derive(serde::Deserialize, Default)]
pub struct EnterForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    source: String,
}

/// An administrator enters the figures of an indicator the platform cannot compute,
/// with their source.
pub async fn enter(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(code): PagePath<String>,
    PageForm(form): PageForm<EnterForm>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let period = period_of(&form.period)?;
        let unit = dieuhanh_store::units::by_code(&state.store, &code)
            .await
            .map_err(|_| PageError::not_found())?;
        let number = |s: &str| dieuhanh_core::reporting::parse_number(s.trim());
        let indicator = index766::indicator(form.indicator.trim());
        let counts = match (number(&form.numerator), number(&form.denominator)) {
            (Some(n), Some(d)) => index766::Counts::new(n, d).ok(),
            _ => None,
        };
        let source = form.source.trim();
        let problem = match (indicator, counts) {
            (None, _) => Some("stats.err.indicator"),
            (Some(i), _) if i.source != Source::External => Some("stats.err.platform"),
            (Some(i), _) if i.measure != index766::Measure::Ratio => Some("stats.err.indicator"),
            (_, None) => Some("stats.err.counts"),
            _ if source.is_empty() || source.chars().count() > 300 => Some("stats.err.source"),
            _ => None,
        };
        if let Some(key) = problem {
            let error = ctx.t.get(key).to_string();
            return unit_page(
                &state,
                &ctx,
                &code,
                &period.key(),
                StatusCode::BAD_REQUEST,
                None,
                Some(error),
            )
            .await;
        }
        let (Some(indicator), Some(counts)) = (indicator, counts) else {
            return Err(PageError::not_found());
        };
        let mut tx = state.store.begin().await?;
        dieuhanh_store::dossiers::enter_766(
            &mut tx,
            &dieuhanh_store::dossiers::Entered766 {
                unit_id: unit.id,
                period: period.key(),
                indicator: indicator.code.to_string(),
                numerator: counts.numerator(),
                denominator: counts.denominator(),
                source: source.to_string(),
            },
            actor,
        )
        .await?;
        tx.commit().await?;
        let done = ctx.t.get("stats.entered_ok").to_string();
        unit_page(
            &state,
            &ctx,
            &code,
            &period.key(),
            StatusCode::OK,
            Some(done),
            None,
        )
        .await
    }
    .await;
    respond(&ctx, result)
}

/// The ranking as a spreadsheet.
pub async fn export(
    State(state): State<AppState>,
    ctx: PageCtx,
    PageQuery(params): PageQuery<PeriodParams>,
) -> Response {
    let result = async {
        require_official(&ctx)?;
        let period = period_of(&params.period)?;
        let lines = statistics::compute(&state, &period).await?;
        let bytes = xlsx(&ctx, &lines).map_err(|e| PageError::Internal(e.to_string()))?;
        Ok(xlsx_response(
            &format!("chi-so-766-{}.xlsx", period.key()),
            bytes,
        ))
    }
    .await;
    respond(&ctx, result)
}

fn xlsx(ctx: &PageCtx, lines: &[UnitLine]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut headers: Vec<String> = [
        "stats.rank",
        "people.unit",
        "stats.received",
        "stats.early",
        "stats.on_time",
        "stats.late",
        "stats.pending_within",
        "stats.pending_overdue",
        "stats.share",
        "stats.score",
    ]
    .iter()
    .map(|k| ctx.t.get(k).to_string())
    .collect();
    headers.extend(index766::INDICATORS.iter().map(|i| i.code.to_string()));
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, h)?;
    }
    for (r, l) in lines.iter().enumerate() {
        let row = r as u32 + 1;
        let c = &l.counts;
        sheet.write_number(row, 0, l.rank)?;
        sheet.write_string(row, 1, &l.unit_name)?;
        for (col, v) in [
            c.received,
            c.early,
            c.on_time,
            c.late,
            c.pending_within,
            c.pending_overdue,
        ]
        .iter()
        .enumerate()
        {
            sheet.write_number(row, col as u16 + 2, *v as f64)?;
        }
        sheet.write_number(row, 8, c.on_time_share().map_or(0.0, |s| round2(s * 100.0)))?;
        sheet.write_number(row, 9, round2(l.score.total))?;
        for (k, s) in l.score.indicators.iter().enumerate() {
            if let Some(p) = s.points {
                sheet.write_number(row, 10 + k as u16, round2(p))?;
            }
        }
    }
    book.save_to_buffer()
}

//! Administrators enter each year's holiday notice: the days off, the worked weekend
//! days, the source document, and whether the year is complete.

use super::{PageError, PageForm, PagePath, PageQuery, render, respond};
use crate::auth::PageCtx;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dieuhanh_core::calendar::{
    NoticeLineError, YearCalendar, format_notice, parse_date, parse_notice,
};

pub struct YearRow {
    pub year: i16,
    pub complete: bool,
    pub pending_from: Option<String>,
    pub days: usize,
}

pub struct YearForm {
    pub year: String,
    pub source: String,
    pub days: String,
    pub complete: bool,
    pub pending_from: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage<'a> {
    ctx: &'a PageCtx,
    years: Vec<YearRow>,
    form: Option<YearForm>,
    message: Option<String>,
    errors: Vec<String>,
}

fn valid_year(year: i16) -> Result<i16, PageError> {
    if (1900..=2999).contains(&year) {
        Ok(year)
    } else {
        Err(PageError::not_found())
    }
}

fn page(
    state: &AppState,
    ctx: &PageCtx,
    status: StatusCode,
    form: Option<YearForm>,
    message: Option<String>,
    errors: Vec<String>,
) -> Response {
    let calendar = state.calendar();
    let years = calendar
        .years()
        .map(|y| YearRow {
            year: y.year,
            complete: y.complete,
            pending_from: y
                .pending_from
                .map(|d| dieuhanh_core::time::format_civil_date(&d.to_string())),
            days: y.days.len(),
        })
        .collect();
    render(
        status,
        &CalendarPage {
            ctx,
            years,
            form,
            message,
            errors,
        },
    )
}

fn form_for(year: i16, known: Option<&YearCalendar>) -> YearForm {
    match known {
        Some(y) => YearForm {
            year: year.to_string(),
            source: y.source.clone(),
            days: format_notice(&y.days),
            complete: y.complete,
            pending_from: y
                .pending_from
                .map(|d| dieuhanh_core::time::format_civil_date(&d.to_string()))
                .unwrap_or_default(),
        },
        // A year not entered yet: pre-filled with the days the law fixes, and Tết's
        // date for the administrator to enter the five announced days around it.
        None => {
            let tet = dieuhanh_core::lunar::tet(i32::from(year))
                .map(|d| format!("# Tết Nguyên Đán: {}\n", d.strftime("%d/%m/%Y")))
                .unwrap_or_default();
            YearForm {
                year: year.to_string(),
                source: String::new(),
                days: format!(
                    "{tet}{}",
                    format_notice(&dieuhanh_core::calendar::statutory_days(year))
                ),
                complete: false,
                pending_from: String::new(),
            }
        }
    }
}

pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let result = ctx
        .require_operator()
        .map(|_| page(&state, &ctx, StatusCode::OK, None, None, Vec::new()));
    respond(&ctx, result)
}

#[derive(serde::Deserialize, Default)]
pub struct GoParams {
    #[serde(default)]
    year: String,
}

/// The year picker's target: a plain GET form cannot put the year in the path.
pub async fn go(ctx: PageCtx, PageQuery(params): PageQuery<GoParams>) -> Response {
    let result = ctx.require_operator().and_then(|_| {
        let year: i16 = params
            .year
            .trim()
            .parse()
            .map_err(|_| PageError::not_found())?;
        valid_year(year).map(|y| Redirect::to(&format!("/admin/calendar/{y}")).into_response())
    });
    respond(&ctx, result)
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(year): PagePath<i16>,
) -> Response {
    let result = ctx
        .require_operator()
        .and_then(|_| valid_year(year))
        .map(|year| {
            let calendar = state.calendar();
            page(
                &state,
                &ctx,
                StatusCode::OK,
                Some(form_for(year, calendar.year(year))),
                None,
                Vec::new(),
            )
        });
    respond(&ctx, result)
}

#[derive(serde::Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    source: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    pending_from: String,
}

fn line_error(ctx: &PageCtx, e: &NoticeLineError) -> String {
    let problem = ctx.t.get(match e.problem.code() {
        "shape" => "calendar.problem.shape",
        "bad_date" => "calendar.problem.bad_date",
        "other_year" => "calendar.problem.other_year",
        "unknown_kind" => "calendar.problem.unknown_kind",
        "duplicate" => "calendar.problem.duplicate",
        "swap_work_on_weekday" => "calendar.problem.swap_work_on_weekday",
        _ => "calendar.problem.day_off_on_weekend",
    });
    ctx.t.fill(
        "calendar.line_error",
        [("line", e.line.to_string().as_str()), ("problem", problem)],
    )
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    PagePath(year): PagePath<i16>,
    PageForm(form): PageForm<SaveForm>,
) -> Response {
    let result = async {
        let actor = ctx.require_operator()?;
        let year = valid_year(year)?;
        let source = form.source.trim().to_string();
        let complete = form.status == "complete";
        let mut errors = Vec::new();
        if source.is_empty() || source.len() > 500 {
            errors.push(ctx.t.get("calendar.need_source").to_string());
        }
        let pending_from = if complete || form.pending_from.trim().is_empty() {
            None
        } else {
            match parse_date(&form.pending_from).filter(|d| d.year() == year) {
                Some(d) => Some(d),
                None => {
                    errors.push(ctx.t.get("calendar.bad_pending_from").to_string());
                    None
                }
            }
        };
        let days = match parse_notice(year, &form.days, &source) {
            Ok(days) => days,
            Err(line_errors) => {
                errors.extend(line_errors.iter().map(|e| line_error(&ctx, e)));
                Vec::new()
            }
        };
        if !errors.is_empty() {
            let kept = YearForm {
                year: year.to_string(),
                source,
                days: form.days,
                complete,
                pending_from: form.pending_from,
            };
            return Ok(page(
                &state,
                &ctx,
                StatusCode::BAD_REQUEST,
                Some(kept),
                None,
                errors,
            ));
        }
        let notice = YearCalendar {
            year,
            complete,
            pending_from,
            source,
            days,
        };
        let root = dieuhanh_store::units::root(&state.store).await?;
        let mut tx = state.store.begin().await?;
        dieuhanh_store::calendar::set_year(&mut tx, &notice, root.id, Some(actor)).await?;
        tx.commit().await?;
        state.reload_calendar().await?;
        let message = ctx
            .t
            .fill("calendar.saved", [("year", year.to_string().as_str())]);
        let calendar = state.calendar();
        Ok(page(
            &state,
            &ctx,
            StatusCode::OK,
            Some(form_for(year, calendar.year(year))),
            Some(message),
            Vec::new(),
        ))
    }
    .await;
    respond(&ctx, result)
}

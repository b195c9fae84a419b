//! The working-day calendar: public, since citizens and integrators need the same
//! deadlines the officials see.

use super::extract::Query;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dieuhanh_core::calendar::CalendarError;
use jiff::civil::{Date, DateTime};
use serde::Serialize;

/// A day that differs from the ordinary Monday–Friday week.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarDayDto {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `statutory`, `make_up`, `swap_off`, `swap_work` or `announced_tet_day`.
    pub kind: String,
    /// Whether the day is worked (only `swap_work` days are).
    pub working: bool,
    pub name: String,
    /// The notice or law that makes the day what it is.
    pub source: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarYearDto {
    pub year: i16,
    /// Whether the year's notice has been entered: every day is known.
    pub complete: bool,
    /// For an incomplete year, the first date whose status is not known yet.
    pub pending_from: Option<String>,
    pub source: Option<String>,
    pub days: Vec<CalendarDayDto>,
}

#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar",
    params(("year" = i16, Path, description = "Year, e.g. 2026")),
    responses((status = 200, body = CalendarYearDto), (status = 400, body = crate::error::ErrorBody)))]
pub async fn year(
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> Result<Json<CalendarYearDto>, ApiError> {
    let year: i16 = year
        .parse()
        .ok()
        .filter(|y| (1900..=2999).contains(y))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_year",
                format!("{year:?} is not a year from 1900 to 2999"),
            )
        })?;
    let calendar = state.calendar();
    let Some(known) = calendar.year(year) else {
        return Ok(Json(CalendarYearDto {
            year,
            complete: false,
            pending_from: None,
            source: None,
            days: Vec::new(),
        }));
    };
    let mut days: Vec<CalendarDayDto> = known
        .days
        .iter()
        .map(|d| CalendarDayDto {
            date: d.date.to_string(),
            kind: d.kind.as_str().to_string(),
            working: d.kind.is_working(),
            name: d.name.clone(),
            source: d.source.clone(),
        })
        .collect();
    days.sort_by(|a, b| a.date.cmp(&b.date));
    Ok(Json(CalendarYearDto {
        year,
        complete: known.complete,
        pending_from: known.pending_from.map(|d| d.to_string()),
        source: Some(known.source.clone()),
        days,
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AddQuery {
    /// When the term starts: an ISO 8601 instant (`2026-04-24T16:10:00+07:00`, `…Z`); a
    /// local date-time or a date without offset is read in Vietnam time (UTC+7).
    pub from: Option<String>,
    /// Number of working days, 0 to 3650 (0: the first working day on or after `from`).
    pub days: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AddResult {
    /// `YYYY-MM-DD`: the day on which the term ends (at the end of that day).
    pub due: String,
    /// The start, in Vietnam time.
    pub from: String,
    /// The Vietnamese date of the start: the day of receipt, which is not counted.
    pub start_date: String,
    pub days: u32,
}

/// Reads an instant, or a local date-time/date in Vietnam time, and returns its
/// Vietnamese civil date and the normalised instant.
fn parse_start(raw: &str) -> Option<(Date, String)> {
    let zone = jiff::tz::TimeZone::get(dieuhanh_core::time::ZONE).ok()?;
    let zoned = if let Ok(ts) = raw.parse::<jiff::Timestamp>() {
        ts.to_zoned_datetime(zone)
    } else if let Ok(dt) = raw.parse::<DateTime>() {
        dt.to_zoned_datetime(zone).ok()?
    } else {
        raw.parse::<Date>().ok()?.to_zoned_datetime(zone).ok()?
    };
    let date = zoned.date();
    Some((
        date,
        dieuhanh_core::time::format_rfc3339(zoned.timestamp().as_microsecond()),
    ))
}

fn calendar_error(e: CalendarError) -> ApiError {
    match e {
        CalendarError::Incomplete { .. } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "calendar_incomplete",
            e.to_string(),
        ),
        CalendarError::UnknownYear(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "calendar_unknown_year",
            e.to_string(),
        ),
        CalendarError::TermTooLong(_) => ApiError::bad_request("invalid_days", e.to_string()),
        CalendarError::Malformed(_) => ApiError::internal(e),
    }
}

#[utoipa::path(get, path = "/api/v1/calendar/add-working-days", tag = "calendar", params(AddQuery),
    responses((status = 200, body = AddResult), (status = 400, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "The term runs into a year whose calendar is incomplete or unknown")))]
pub async fn add_working_days(
    State(state): State<AppState>,
    Query(q): Query<AddQuery>,
) -> Result<Json<AddResult>, ApiError> {
    let raw_from = q
        .from
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "missing_from",
                "query parameter from (an ISO 8601 instant) is required",
            )
        })?;
    let (start_date, from) = parse_start(raw_from).ok_or_else(|| {
        ApiError::bad_request("invalid_from", format!("from must be an ISO 8601 instant such as 2026-04-24T16:10:00+07:00, got {raw_from:?}"))
    })?;
    let raw_days = q
        .days
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "missing_days",
                "query parameter days (a whole number of working days) is required",
            )
        })?;
    let days: u32 = raw_days
        .parse()
        .ok()
        .filter(|n| *n <= 3650)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_days",
                format!("days must be a whole number from 0 to 3650, got {raw_days:?}"),
            )
        })?;
    let due = state
        .calendar()
        .add_working_days(start_date, days)
        .map_err(calendar_error)?;
    Ok(Json(AddResult {
        due: due.to_string(),
        from,
        start_date: start_date.to_string(),
        days,
    }))
}

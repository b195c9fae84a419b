//! Leaders in charge and field visits: who is in charge of which unit, visits logged
//! with findings and follow-up tasks, and units not visited for too long.

use crate::direction::{DirectionError, today};
use crate::state::AppState;
use dieuhanh_core::calendar::parse_date;
use dieuhanh_core::policy::{self, Action, Principal, Role};
use dieuhanh_core::workflow::TASK;
use dieuhanh_store::{direction, settings, units, users, visits};
use std::collections::HashMap;

/// Days after which a unit without a visit is flagged, unless the installation sets
/// `visit_interval_days`.
pub const DEFAULT_VISIT_INTERVAL_DAYS: i64 = 30;

pub async fn interval_days(state: &AppState) -> i64 {
    settings::get(&state.store, "visit_interval_days")
        .await
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .filter(|d| *d > 0)
        .unwrap_or(DEFAULT_VISIT_INTERVAL_DAYS)
}

/// Days since the last visit of every visited unit.
pub async fn days_since_visit(state: &AppState) -> Result<HashMap<i64, i64>, DirectionError> {
    let today = today();
    Ok(visits::last_visits(&state.store)
        .await?
        .into_iter()
        .filter_map(|(unit, date)| {
            let d: jiff::civil::Date = date.parse().ok()?;
            Some((unit, (today - d).get_days().into()))
        })
        .collect())
}

/// Puts a city leader in charge of units.
pub async fn assign(
    state: &AppState,
    principal: &Principal,
    leader: &str,
    unit_codes: &[String],
) -> Result<usize, DirectionError> {
    if !policy::allows_global(principal, Action::AssignLeaders) {
        return Err(DirectionError::Forbidden);
    }
    let leader = users::by_username(&state.store, leader.trim())
        .await
        .map_err(|_| DirectionError::Invalid("invalid_leader"))?;
    if leader.role != Role::CityLeader || leader.disabled {
        return Err(DirectionError::Invalid("invalid_leader"));
    }
    let mut ids = Vec::new();
    for code in unit_codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        let unit = units::by_code(&state.store, code)
            .await
            .map_err(|_| DirectionError::Invalid("invalid_units"))?;
        if !unit.kind.is_communal() {
            return Err(DirectionError::Invalid("invalid_units"));
        }
        ids.push(unit.id);
    }
    if ids.is_empty() {
        return Err(DirectionError::Invalid("invalid_units"));
    }
    let since = today().to_string();
    let mut tx = state.store.begin().await?;
    for id in &ids {
        visits::assign(&mut tx, *id, leader.id, &since, principal.user_id)
            .await
            .map_err(|e| match e {
                dieuhanh_store::StoreError::Conflict(_) => {
                    DirectionError::Invalid("already_in_charge")
                }
                other => other.into(),
            })?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

pub async fn unassign(
    state: &AppState,
    principal: &Principal,
    leader_id: i64,
    unit_code: &str,
) -> Result<(), DirectionError> {
    if !policy::allows_global(principal, Action::AssignLeaders) {
        return Err(DirectionError::Forbidden);
    }
    let unit = units::by_code(&state.store, unit_code).await?;
    let mut tx = state.store.begin().await?;
    visits::unassign(&mut tx, unit.id, leader_id, principal.user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// A visit being logged.
#[derive(Debug, Clone, Default)]
pub struct VisitInput {
    pub unit: String,
    pub visit_date: String,
    pub findings: String,
    /// A follow-up task for the unit, if any.
    pub follow_up: String,
    pub follow_up_due: String,
}

pub async fn log(
    state: &AppState,
    principal: &Principal,
    input: &VisitInput,
) -> Result<i64, DirectionError> {
    if !policy::allows_global(principal, Action::LogVisit) {
        return Err(DirectionError::Forbidden);
    }
    let unit = units::by_code(&state.store, input.unit.trim())
        .await
        .map_err(|_| DirectionError::Invalid("invalid_units"))?;
    if !unit.kind.is_communal() {
        return Err(DirectionError::Invalid("invalid_units"));
    }
    let date = parse_date(&input.visit_date)
        .filter(|d| *d <= today())
        .ok_or(DirectionError::Invalid("invalid_visit_date"))?;
    let findings = input.findings.trim();
    if findings.is_empty() || findings.chars().count() > 10_000 {
        return Err(DirectionError::Invalid("invalid_findings"));
    }
    let follow_up = input.follow_up.trim();
    let follow_up_due = if follow_up.is_empty() {
        None
    } else {
        if follow_up.chars().count() > 500 {
            return Err(DirectionError::Invalid("invalid_title"));
        }
        Some(
            parse_date(&input.follow_up_due)
                .filter(|d| *d >= today())
                .ok_or(DirectionError::Invalid("invalid_due"))?,
        )
    };
    let date = date.to_string();
    let mut tx = state.store.begin().await?;
    let follow_up_item_id = match follow_up_due {
        Some(due) => Some(
            direction::create_task(
                &mut tx,
                &direction::NewTask {
                    unit_id: unit.id,
                    issuer_unit_id: principal.unit_id,
                    title: follow_up,
                    due_date: &due.to_string(),
                    priority: "normal",
                    created_by: principal.user_id,
                    origin: &format!("field visit {date}"),
                },
                TASK.initial,
            )
            .await?,
        ),
        None => None,
    };
    let id = visits::log(
        &mut tx,
        &visits::NewVisit {
            unit_id: unit.id,
            leader_id: principal.user_id,
            visit_date: &date,
            findings,
            follow_up_item_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

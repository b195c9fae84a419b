//! Obstacles and requests (vướng mắc, kiến nghị): raised by a unit, routed by domain to
//! the competent department, answered within a term of working days, accepted or
//! reopened by the unit. An obstacle whose domain has no route goes to the city's
//! coordinating office and is listed as a gap, never dropped.

use crate::direction::{DirectionError, today};
use crate::state::AppState;
use dieuhanh_core::policy::Principal;
use dieuhanh_core::workflow::OBSTACLE;
use dieuhanh_store::{obstacles, settings, units};

/// Working days a department has to answer, unless `obstacle_answer_days` is set.
pub const DEFAULT_ANSWER_DAYS: u32 = 7;
/// The coordinating office that receives obstacles without a route.
pub const COORDINATING_OFFICE: &str = "van-phong-ubnd";

/// The office that takes what has no competent unit yet (obstacles without a route,
/// citizen reports with only an address); the city itself where there is none.
pub async fn coordinating_office(
    store: &dieuhanh_store::Store,
) -> Result<units::Unit, dieuhanh_store::StoreError> {
    match units::by_code(store, COORDINATING_OFFICE).await {
        Ok(u) => Ok(u),
        Err(_) => units::root(store).await,
    }
}

pub async fn answer_days(state: &AppState) -> u32 {
    settings::get(&state.store, "obstacle_answer_days")
        .await
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .filter(|d| (1..=365).contains(d))
        .unwrap_or(DEFAULT_ANSWER_DAYS)
}

#[derive(Debug, Clone, Default)]
pub struct ObstacleInput {
    /// One of the routing table's domains, or empty for "other".
    pub domain: String,
    pub title: String,
    pub description: String,
    /// A task the obstacle stands in the way of: one the raising unit leads or
    /// co-operates on.
    pub task_id: Option<i64>,
}

pub async fn raise(
    state: &AppState,
    principal: &Principal,
    input: &ObstacleInput,
) -> Result<i64, DirectionError> {
    if !principal.role.is_official() {
        return Err(DirectionError::Forbidden);
    }
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 500 {
        return Err(DirectionError::Invalid("invalid_title"));
    }
    let description = input.description.trim();
    if description.chars().count() > 10_000 {
        return Err(DirectionError::Invalid("invalid_description"));
    }
    let routes = obstacles::routes(&state.store).await?;
    let domain = input.domain.trim();
    let (department, routed, domain) = match routes.iter().find(|r| r.domain == domain) {
        Some(route) => (route.unit_id, true, route.domain.clone()),
        None if domain.is_empty() => {
            let office = coordinating_office(&state.store).await?;
            (office.id, false, String::new())
        }
        None => return Err(DirectionError::Invalid("invalid_domain")),
    };
    if department == principal.unit_id {
        return Err(DirectionError::Invalid("invalid_domain"));
    }
    if let Some(task_id) = input.task_id {
        let task = crate::direction::visible_of_kind(state, principal, task_id, "task")
            .await
            .map_err(|_| DirectionError::Invalid("invalid_task"))?;
        let involved = task.unit_id == principal.unit_id
            || dieuhanh_store::direction::is_cooperator(&state.store, task_id, principal.unit_id)
                .await?;
        if !involved {
            return Err(DirectionError::Invalid("invalid_task"));
        }
    }
    let due = state
        .calendar()
        .add_working_days(today(), answer_days(state).await)?
        .to_string();
    let mut tx = state.store.begin().await?;
    let id = obstacles::create(
        &mut tx,
        &obstacles::NewObstacle {
            raising_unit_id: principal.unit_id,
            department_unit_id: department,
            domain: &domain,
            title,
            description,
            due_date: &due,
            routed,
            task_id: input.task_id,
            created_by: principal.user_id,
        },
        OBSTACLE.initial,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

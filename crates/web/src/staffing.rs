//! Staffing use cases: the organisation board (city leaders) defines positions and runs
//! proposals; officials keep their profile (levels, wishes, comment). A proposal stores
//! its inputs and result, explains every placement, and changes positions only when the
//! board approves it.

use crate::direction::{DirectionError, today};
use crate::state::AppState;
use dieuhanh_core::policy::{Principal, Role};
use dieuhanh_core::staffing::{self, Candidate, Position, Requirement, Weights};
use dieuhanh_store::staffing::{self as store, Profile};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// The criterion under which an official's on-time rate enters a proposal.
pub const ON_TIME_CRITERION: &str = "ti le dung han";

/// The criterion under which citizens' ratings of the dossiers an official handled enter
/// a proposal: the share not rated unsatisfied (0 to 1).
pub const SATISFACTION_CRITERION: &str = "ty le hai long";

/// The organisation board: city leaders (and administrators).
pub fn is_board(p: &Principal) -> bool {
    matches!(p.role, Role::CityLeader | Role::SystemAdmin)
}

/// Requirements typed one per line: `criterion | minimum | mandatory (có/yes) | weight`.
pub fn parse_requirements(text: &str) -> Result<Vec<Requirement>, usize> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let [criterion, min, mandatory, weight] = parts[..] else {
            return Err(i + 1);
        };
        let min = dieuhanh_core::reporting::parse_number(min).filter(|v| *v >= 0.0);
        let weight = dieuhanh_core::reporting::parse_number(weight).filter(|v| *v >= 0.0);
        let mandatory = match mandatory.to_lowercase().as_str() {
            "có" | "co" | "yes" | "bắt buộc" => true,
            "không" | "khong" | "no" => false,
            _ => return Err(i + 1),
        };
        match (
            criterion.is_empty() || criterion.chars().count() > 100,
            min,
            weight,
        ) {
            (false, Some(min_level), Some(weight)) => out.push(Requirement {
                criterion: dieuhanh_core::text::fold(criterion),
                min_level,
                mandatory,
                weight,
            }),
            _ => return Err(i + 1),
        }
    }
    Ok(out)
}

/// A position as typed on the board's form.
#[derive(Debug, Clone, Default)]
pub struct PositionInput {
    pub unit_code: String,
    pub title: String,
    pub quota: String,
    pub key_position: bool,
    /// Years, or empty for no rotation.
    pub rotation_years: String,
    /// Number of the position this one deputises for, or empty.
    pub deputy_of: String,
    /// Lines `criterion | minimum | có/không | weight`.
    pub requirements: String,
}

pub async fn add_position(
    state: &AppState,
    principal: &Principal,
    input: &PositionInput,
) -> Result<i64, DirectionError> {
    let PositionInput {
        unit_code,
        title,
        quota,
        key_position,
        rotation_years,
        deputy_of,
        requirements,
    } = input;
    let key_position = *key_position;
    if !is_board(principal) {
        return Err(DirectionError::Forbidden);
    }
    let unit = dieuhanh_store::units::by_code(&state.store, unit_code.trim())
        .await
        .map_err(|_| DirectionError::Invalid("invalid_unit"))?;
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(DirectionError::Invalid("invalid_title"));
    }
    let quota: i64 = quota
        .trim()
        .parse()
        .ok()
        .filter(|q| (1..=1000).contains(q))
        .ok_or(DirectionError::Invalid("invalid_quota"))?;
    let reqs = parse_requirements(requirements)
        .map_err(|_| DirectionError::Invalid("invalid_requirements"))?;
    let rotation = match rotation_years.trim() {
        "" => None,
        t => Some(
            t.parse::<i64>()
                .ok()
                .filter(|y| (1..=20).contains(y))
                .ok_or(DirectionError::Invalid("invalid_rotation"))?,
        ),
    };
    let deputy_of = match deputy_of.trim() {
        "" => None,
        t => {
            let id: i64 = t
                .parse()
                .map_err(|_| DirectionError::Invalid("invalid_deputy"))?;
            let known = store::positions(&state.store).await?;
            if !known.iter().any(|p| p.id == id && p.unit_id == unit.id) {
                return Err(DirectionError::Invalid("invalid_deputy"));
            }
            Some(id)
        }
    };
    let mut tx = state.store.begin().await?;
    let id = store::add_position(
        &mut tx,
        &store::NewPosition {
            unit_id: unit.id,
            title,
            quota,
            key_position,
            rotation_years: rotation,
            deputy_of,
            requirements: &reqs,
        },
        principal.user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Levels typed one per line: `criterion | level`.
pub fn parse_levels(text: &str) -> Result<BTreeMap<String, f64>, usize> {
    let mut out = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let (k, v) = line.split_once('|').ok_or(i + 1)?;
        let k = dieuhanh_core::text::fold(k.trim());
        let v = dieuhanh_core::reporting::parse_number(v)
            .filter(|v| *v >= 0.0)
            .ok_or(i + 1)?;
        if k.is_empty() || k.chars().count() > 100 {
            return Err(i + 1);
        }
        out.insert(k, v);
    }
    Ok(out)
}

pub async fn save_profile(
    state: &AppState,
    principal: &Principal,
    levels: &str,
    wishes: &str,
    comment: &str,
    anonymous: bool,
) -> Result<(), DirectionError> {
    if !principal.role.is_official() {
        return Err(DirectionError::Forbidden);
    }
    let levels = parse_levels(levels).map_err(|_| DirectionError::Invalid("invalid_levels"))?;
    let known: Vec<i64> = store::positions(&state.store)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let mut list: Vec<i64> = Vec::new();
    for w in wishes
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let id: i64 = w
            .parse()
            .map_err(|_| DirectionError::Invalid("invalid_wishes"))?;
        if !known.contains(&id) || list.contains(&id) {
            return Err(DirectionError::Invalid("invalid_wishes"));
        }
        list.push(id);
    }
    if list.len() > 3 || comment.chars().count() > 5000 {
        return Err(DirectionError::Invalid("invalid_wishes"));
    }
    let mut tx = state.store.begin().await?;
    store::save_profile(
        &mut tx,
        &Profile {
            user_id: principal.user_id,
            unit_id: principal.unit_id,
            levels,
            wishes: list,
            comment: comment.trim().to_string(),
            comment_anonymous: anonymous,
            ..Profile::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs a proposal over the positions and officials of the given units (every unit when
/// empty) and stores it with its inputs.
pub async fn run(
    state: &AppState,
    principal: &Principal,
    unit_codes: &[String],
    weights: Weights,
    locks_text: &str,
) -> Result<i64, DirectionError> {
    if !is_board(principal) {
        return Err(DirectionError::Forbidden);
    }
    if weights.wish.iter().any(|w| !(0.0..=100.0).contains(w)) {
        return Err(DirectionError::Invalid("invalid_weights"));
    }
    let all_units = dieuhanh_store::units::all_current(&state.store).await?;
    let mut units: Vec<i64> = Vec::new();
    for code in unit_codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        let u = all_units
            .iter()
            .find(|u| u.code == code)
            .ok_or(DirectionError::Invalid("invalid_units"))?;
        units.push(u.id);
    }
    let in_scope = |unit: i64| units.is_empty() || units.contains(&unit);
    let position_rows: Vec<_> = store::positions(&state.store)
        .await?
        .into_iter()
        .filter(|p| in_scope(p.unit_id))
        .collect();
    if position_rows.is_empty() {
        return Err(DirectionError::Invalid("no_positions"));
    }
    let profiles: HashMap<i64, Profile> = store::profiles(&state.store)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    // Service quality where it exists: the share of an official's finished work done on
    // time, as the criterion `ti le dung han` (0 to 1) a position may weigh.
    let on_time: HashMap<i64, f64> = dieuhanh_store::direction::assignee_on_time(&state.store)
        .await?
        .into_iter()
        .filter(|(_, _, done)| *done > 0)
        .map(|(user, ok, done)| (user, ok as f64 / done as f64))
        .collect();
    let satisfaction: HashMap<i64, f64> =
        dieuhanh_store::dossiers::ratings_by_assignee(&state.store)
            .await?
            .into_iter()
            .filter(|(_, rated, _)| *rated > 0)
            .map(|(user, rated, satisfied)| (user, satisfied as f64 / rated as f64))
            .collect();
    let mut candidates = Vec::new();
    let mut names: HashMap<i64, (String, String)> = HashMap::new();
    for unit in all_units.iter().filter(|u| in_scope(u.id)) {
        for user in dieuhanh_store::users::active_officials(&state.store, unit.id).await? {
            let user_id = user.id;
            if user.role == Role::SystemAdmin || user.role == Role::CityLeader {
                continue;
            }
            let mut profile = profiles.get(&user_id).cloned().unwrap_or_default();
            if let Some(rate) = on_time.get(&user_id) {
                profile.levels.insert(ON_TIME_CRITERION.to_string(), *rate);
            }
            if let Some(share) = satisfaction.get(&user_id) {
                profile
                    .levels
                    .insert(SATISFACTION_CRITERION.to_string(), *share);
            }
            names.insert(user_id, (user.username.clone(), user.full_name.clone()));
            candidates.push(Candidate {
                id: user_id,
                levels: profile.levels,
                wishes: profile.wishes,
            });
        }
    }
    let mut locks = Vec::new();
    let bad = || DirectionError::Invalid("invalid_locks");
    for raw in locks_text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let (user, position) = line.split_once('|').ok_or_else(bad)?;
        let user = dieuhanh_store::users::by_username(&state.store, user.trim())
            .await
            .map_err(|_| bad())?;
        let position: i64 = position.trim().parse().map_err(|_| bad())?;
        locks.push((user.id, position));
    }
    let positions: Vec<Position> = position_rows
        .iter()
        .map(|p| Position {
            id: p.id,
            quota: p.quota as u32,
            requirements: p.requirements.clone(),
        })
        .collect();
    let proposal = staffing::propose(&candidates, &positions, &locks, &weights)
        .map_err(|_| DirectionError::Invalid("invalid_locks"))?;
    let titles: HashMap<i64, (String, String, i64)> = position_rows
        .iter()
        .map(|p| (p.id, (p.title.clone(), p.unit_name.clone(), p.unit_id)))
        .collect();
    let placements: Vec<serde_json::Value> = proposal
        .placements
        .iter()
        .map(|pl| {
            let (username, full_name) = names.get(&pl.candidate).cloned().unwrap_or_default();
            let (title, unit, unit_id) = titles.get(&pl.position).cloned().unwrap_or_default();
            let candidate = candidates.iter().find(|c| c.id == pl.candidate);
            let runners: Vec<serde_json::Value> = candidate
                .map(|c| staffing::best_options(c, &positions, &weights, 4))
                .unwrap_or_default()
                .into_iter()
                .filter(|(p, _)| *p != pl.position)
                .take(3)
                .map(|(p, f)| {
                    json!({"position": p, "title": titles.get(&p).map(|t| t.0.clone()), "total": f.total})
                })
                .collect();
            json!({
                "user_id": pl.candidate, "username": username, "full_name": full_name,
                "position": pl.position, "title": title, "unit": unit, "unit_id": unit_id,
                "total": pl.fit.total, "parts": pl.fit.parts, "locked": pl.locked, "runner_ups": runners,
            })
        })
        .collect();
    let vacancies: Vec<serde_json::Value> = proposal
        .vacancies
        .iter()
        .map(|(p, n)| json!({"position": p, "title": titles.get(p).map(|t| t.0.clone()), "seats": n}))
        .collect();
    let inputs = json!({"positions": positions, "candidates": candidates, "locks": locks, "weights": weights});
    let result = json!({"placements": placements, "vacancies": vacancies});
    let mut tx = state.store.begin().await?;
    let id = store::save_proposal(
        &mut tx,
        principal.unit_id,
        &inputs,
        &result,
        proposal.total,
        principal.user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn approve(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(), DirectionError> {
    if !is_board(principal) {
        return Err(DirectionError::Forbidden);
    }
    let p = store::proposal(&state.store, id).await?;
    let placements: Vec<(i64, i64, i64)> = p.result["placements"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|x| {
                    Some((
                        x["user_id"].as_i64()?,
                        x["position"].as_i64()?,
                        x["unit_id"].as_i64()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut tx = state.store.begin().await?;
    store::approve(
        &mut tx,
        id,
        &placements,
        &today().to_string(),
        principal.user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Staffing gaps (PRODUCT.md point 10): key positions nobody holds, seats left empty, and
/// holders past their position's rotation period: (kind, unit id, unit name, subject).
pub async fn gaps(
    state: &AppState,
) -> Result<Vec<(&'static str, i64, String, String)>, DirectionError> {
    let positions = store::positions(&state.store).await?;
    let mut out = Vec::new();
    for p in positions.iter().filter(|p| p.key_position) {
        let deputies: Vec<_> = positions
            .iter()
            .filter(|d| d.deputy_of == Some(p.id))
            .collect();
        if deputies.is_empty() || deputies.iter().all(|d| d.holders == 0) {
            out.push((
                "key_position_no_deputy",
                p.unit_id,
                p.unit_name.clone(),
                p.title.clone(),
            ));
        }
    }
    for p in &positions {
        if p.key_position && p.holders == 0 {
            out.push((
                "key_position_vacant",
                p.unit_id,
                p.unit_name.clone(),
                p.title.clone(),
            ));
        } else if p.holders < p.quota {
            out.push((
                "position_below_quota",
                p.unit_id,
                p.unit_name.clone(),
                format!("{} ({}/{})", p.title, p.holders, p.quota),
            ));
        }
    }
    let today = today();
    for profile in store::profiles(&state.store).await? {
        let (Some(position), Some(since)) = (profile.position_id, profile.since.as_deref()) else {
            continue;
        };
        let Some(p) = positions.iter().find(|p| p.id == position) else {
            continue;
        };
        let (Some(years), Ok(since)) = (p.rotation_years, since.parse::<jiff::civil::Date>())
        else {
            continue;
        };
        let due = since
            .checked_add(jiff::Span::new().years(years))
            .unwrap_or(since);
        if due <= today {
            let name = dieuhanh_store::users::by_id(&state.store, profile.user_id)
                .await
                .map(|u| u.full_name)
                .unwrap_or_default();
            out.push((
                "rotation_due",
                p.unit_id,
                p.unit_name.clone(),
                format!("{name} — {}", p.title),
            ));
        }
    }
    Ok(out)
}

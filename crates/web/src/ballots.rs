//! Secret ballots: a leader organises a confidence vote or a nomination among eligible
//! officials; each votes once while it is open; results appear only after it closes,
//! decided by the threshold (core `staffing::decide`).

use crate::direction::DirectionError;
use crate::state::AppState;
use dieuhanh_core::policy::{Principal, Role};
use dieuhanh_core::staffing::{Outcome, Threshold, decide};
use dieuhanh_store::ballots::{self, Ballot, NewBallot};

pub const KINDS: [&str; 2] = ["confidence", "nomination"];

/// City leaders, unit leaders and departments (the organisation board sits in them)
/// organise ballots for their own unit.
pub fn may_organise(p: &Principal) -> bool {
    matches!(
        p.role,
        Role::CityLeader | Role::UnitLeader | Role::DepartmentOfficer | Role::SystemAdmin
    )
}

#[derive(Debug, Clone, Default)]
pub struct BallotInput {
    pub title: String,
    pub kind: String,
    /// One option per line.
    pub options: String,
    /// Percent of the eligible voters an option must exceed.
    pub threshold_percent: String,
    /// `YYYY-MM-DDTHH:MM` in Vietnamese time; empty: now.
    pub opens: String,
    pub closes: String,
    /// Usernames or unit codes (every active official of the unit), separated by commas,
    /// spaces or lines.
    pub voters: String,
}

fn instant(text: &str) -> Option<i64> {
    let dt: jiff::civil::DateTime = text.trim().parse().ok()?;
    let zoned = dt.in_tz("Asia/Ho_Chi_Minh").ok()?;
    Some(zoned.timestamp().as_microsecond())
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    input: &BallotInput,
) -> Result<i64, DirectionError> {
    if !may_organise(principal) {
        return Err(DirectionError::Forbidden);
    }
    let invalid = DirectionError::Invalid;
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 500 {
        return Err(invalid("invalid_title"));
    }
    let kind = input.kind.trim();
    if !KINDS.contains(&kind) {
        return Err(invalid("invalid_ballot_kind"));
    }
    let mut options: Vec<String> = Vec::new();
    for o in input
        .options
        .lines()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        if o.chars().count() > 200 || options.iter().any(|x| x == o) {
            return Err(invalid("invalid_options"));
        }
        options.push(o.to_string());
    }
    if options.len() < 2 || options.len() > 100 {
        return Err(invalid("invalid_options"));
    }
    let threshold = input
        .threshold_percent
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|t| (0.0..100.0).contains(t))
        .ok_or(invalid("invalid_threshold"))?;
    let now = dieuhanh_core::time::now_us();
    let opens = if input.opens.trim().is_empty() {
        now
    } else {
        instant(&input.opens).ok_or(invalid("invalid_opens"))?
    };
    let closes = instant(&input.closes)
        .filter(|c| *c > opens && *c > now)
        .ok_or(invalid("invalid_closes"))?;
    let mut voters: Vec<i64> = Vec::new();
    for token in input
        .voters
        .split([',', ' ', ';', '\n', '\r'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if let Ok(user) = dieuhanh_store::users::by_username(&state.store, token).await {
            if user.disabled || !user.role.is_official() {
                return Err(invalid("invalid_voters"));
            }
            voters.push(user.id);
        } else if let Ok(unit) = dieuhanh_store::units::by_code(&state.store, token).await {
            for u in dieuhanh_store::users::active_officials(&state.store, unit.id).await? {
                voters.push(u.id);
            }
        } else {
            return Err(invalid("invalid_voters"));
        }
    }
    voters.sort_unstable();
    voters.dedup();
    if voters.is_empty() || voters.len() > 100_000 {
        return Err(invalid("invalid_voters"));
    }
    let mut tx = state.store.begin().await?;
    let id = ballots::create(
        &mut tx,
        &NewBallot {
            unit_id: principal.unit_id,
            title,
            kind,
            options: &options,
            threshold: threshold / 100.0,
            opens_at_us: opens,
            closes_at_us: closes,
            voters: &voters,
            created_by: principal.user_id,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A ballot the principal may see: a voter in it, an official of the organising unit,
/// or a city-wide leader.
pub async fn visible(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(Ballot, Option<bool>), DirectionError> {
    let ballot = ballots::get(&state.store, id).await?;
    let participation = ballots::participation(&state.store, id, principal.user_id).await?;
    let organiser = principal.unit_id == ballot.unit_id && principal.role.is_official();
    let city = matches!(principal.role, Role::CityLeader | Role::SystemAdmin);
    if participation.is_some() || organiser || city {
        Ok((ballot, participation))
    } else {
        Err(DirectionError::NotFound)
    }
}

pub async fn vote(
    state: &AppState,
    principal: &Principal,
    id: i64,
    option: usize,
) -> Result<(), DirectionError> {
    let (ballot, participation) = visible(state, principal, id).await?;
    let now = dieuhanh_core::time::now_us();
    if now < ballot.opens_at_us || now >= ballot.closes_at_us {
        return Err(DirectionError::Invalid("ballot_not_open"));
    }
    match participation {
        None => return Err(DirectionError::Forbidden),
        Some(true) => return Err(DirectionError::Invalid("already_voted")),
        Some(false) => {}
    }
    if option >= ballot.options.len() {
        return Err(DirectionError::Invalid("invalid_option"));
    }
    let mut tx = state.store.begin().await?;
    if !ballots::vote(&mut tx, &ballot, principal.user_id, option).await? {
        return Err(DirectionError::Invalid("already_voted"));
    }
    tx.commit().await?;
    Ok(())
}

/// The outcome, once the ballot has closed; `None` before.
pub async fn outcome(state: &AppState, ballot: &Ballot) -> Result<Option<Outcome>, DirectionError> {
    if dieuhanh_core::time::now_us() < ballot.closes_at_us {
        return Ok(None);
    }
    let counts = ballots::tallies(&state.store, ballot.id).await?;
    let pairs: Vec<(String, u64)> = ballot.options.iter().cloned().zip(counts).collect();
    Ok(Some(decide(
        &pairs,
        ballot.eligible.max(0) as u64,
        &Threshold {
            share_of_eligible: ballot.threshold,
        },
    )))
}

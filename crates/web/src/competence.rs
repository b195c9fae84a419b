//! Who is competent for a procedure at a unit today (issue: public services, item 2):
//! the catalogue's level, then the competence decisions in force, resolved by the core
//! ([`dieuhanh_core::competence`]).

use crate::direction::{DirectionError, today};
use crate::state::AppState;
use dieuhanh_core::competence::{self, Authority, Level, Resolution};
use dieuhanh_store::procedures::Procedure;

/// The catalogue's level as stored: `commune`, `district`, `city` or `department:CODE`.
pub fn parse_level(text: &str) -> Option<Level> {
    match text {
        "commune" => Some(Level::Commune),
        "district" => Some(Level::District),
        "city" => Some(Level::City),
        _ => text
            .strip_prefix("department:")
            .filter(|c| !c.is_empty())
            .map(|c| Level::Department(c.to_string())),
    }
}

pub fn core_procedure(p: &Procedure) -> Option<competence::Procedure> {
    Some(competence::Procedure {
        code: p.code.clone(),
        name: p.name.clone(),
        domain: p.domain.clone(),
        level: parse_level(&p.level)?,
    })
}

/// How the procedure resolves at `unit` today.
pub async fn resolve(
    state: &AppState,
    procedure: &Procedure,
    unit: i64,
) -> Result<Resolution, DirectionError> {
    let p = core_procedure(procedure).ok_or(DirectionError::Invalid("unknown_procedure"))?;
    let decisions = dieuhanh_store::competence::all(&state.store).await?;
    Ok(competence::resolve(&p, unit, today(), &decisions))
}

/// The unit that handles a dossier of `procedure` received at `unit`: the competent
/// authority's own unit (the ward, the city, or the department). A gap or a conflict is
/// refused with a clear error rather than guessed.
pub async fn handling_unit(
    state: &AppState,
    procedure: &Procedure,
    unit: i64,
) -> Result<i64, DirectionError> {
    match resolve(state, procedure, unit).await? {
        Resolution::Competent { authority, .. } => match authority {
            Authority::UnitChairman(u) | Authority::UnitDeputy { unit: u, .. } => Ok(u),
            Authority::CityChairman => Ok(dieuhanh_store::units::root(&state.store).await?.id),
            Authority::Department(code) => dieuhanh_store::units::by_code(&state.store, &code)
                .await
                .map(|u| u.id)
                .map_err(|_| DirectionError::Invalid("no_competent_authority")),
        },
        Resolution::Gap { .. } => Err(DirectionError::Invalid("no_competent_authority")),
        Resolution::Conflict { .. } => Err(DirectionError::Invalid("competence_conflict")),
    }
}

/// Every (procedure, communal unit) without exactly one competent authority today, for
/// the gaps page: (procedure code, procedure name, unit name, resolution).
pub async fn gaps(
    state: &AppState,
) -> Result<Vec<(String, String, String, Resolution)>, DirectionError> {
    let procedures = dieuhanh_store::procedures::all(&state.store).await?;
    let units: Vec<_> = dieuhanh_store::units::all_current(&state.store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .collect();
    let decisions = dieuhanh_store::competence::all(&state.store).await?;
    let core: Vec<competence::Procedure> = procedures.iter().filter_map(core_procedure).collect();
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let name_of = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    Ok(competence::gaps(&core, &ids, today(), &decisions)
        .into_iter()
        .map(|(code, unit, r)| {
            let name = procedures
                .iter()
                .find(|p| p.code == code)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            (code, name, name_of(unit), r)
        })
        .collect())
}

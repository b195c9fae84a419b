//! Responsibility gaps found by the direction module (PRODUCT.md point 10): units with
//! no leader in charge, open tasks nobody was assigned to after a grace period, and
//! obstacles that reached no competent department, report templates that no unit in
//! force has to report on.

use crate::direction::DirectionError;
use crate::state::AppState;
use dieuhanh_core::policy::Principal;
use serde::Serialize;

/// Days an open task may stay unassigned before it is a gap.
pub const UNASSIGNED_GRACE_DAYS: i64 = 5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Gap {
    /// `unit_without_leader`, `task_unassigned`, `obstacle_unrouted` or
    /// `report_without_units` or `procedure_without_authority`.
    pub kind: String,
    pub unit_code: String,
    pub unit_name: String,
    /// What is missing, e.g. the task's title.
    pub subject: String,
    /// Where to act.
    pub link: String,
}

pub async fn find(state: &AppState, principal: &Principal) -> Result<Vec<Gap>, DirectionError> {
    crate::cockpit::require(principal)?;
    let mut gaps = Vec::new();
    let units = dieuhanh_store::units::all_current(&state.store).await?;
    let led: std::collections::HashSet<i64> =
        dieuhanh_store::visits::assignments(&state.store, None)
            .await?
            .into_iter()
            .map(|a| a.unit_id)
            .collect();
    for u in units
        .iter()
        .filter(|u| u.kind.is_communal() && !led.contains(&u.id))
    {
        gaps.push(Gap {
            kind: "unit_without_leader".into(),
            unit_code: u.code.clone(),
            unit_name: u.name.clone(),
            subject: u.name.clone(),
            link: "/visits".into(),
        });
    }
    let before = dieuhanh_core::time::now_us() - UNASSIGNED_GRACE_DAYS * 86_400_000_000;
    for t in dieuhanh_store::direction::unassigned_tasks(&state.store, before).await? {
        gaps.push(Gap {
            kind: "task_unassigned".into(),
            link: format!("/tasks/{}", t.id),
            unit_code: t.unit_code,
            unit_name: t.unit_name,
            subject: t.title,
        });
    }
    let by_id: std::collections::HashMap<i64, &dieuhanh_store::units::Unit> =
        units.iter().map(|u| (u.id, u)).collect();
    for (id, title, _) in dieuhanh_store::obstacles::unrouted(&state.store).await? {
        let item = dieuhanh_store::direction::item(&state.store, id).await?;
        let raiser = by_id.get(&item.issuer_unit_id);
        gaps.push(Gap {
            kind: "obstacle_unrouted".into(),
            unit_code: raiser.map(|u| u.code.clone()).unwrap_or_default(),
            unit_name: raiser.map(|u| u.name.clone()).unwrap_or_default(),
            subject: title,
            link: format!("/obstacles/{id}"),
        });
    }
    for (kind, unit_id, unit_name, subject) in crate::staffing::gaps(state).await? {
        gaps.push(Gap {
            kind: kind.into(),
            unit_code: by_id
                .get(&unit_id)
                .map(|u| u.code.clone())
                .unwrap_or_default(),
            unit_name,
            subject,
            link: "/staffing".into(),
        });
    }
    for t in dieuhanh_store::reports::templates_without_units(&state.store).await? {
        let issuer = by_id.get(&t.unit_id);
        gaps.push(Gap {
            kind: "report_without_units".into(),
            unit_code: issuer.map(|u| u.code.clone()).unwrap_or_default(),
            unit_name: t.unit_name,
            subject: t.title,
            link: format!("/reports/templates/{}", t.id),
        });
    }
    // Every (procedure, unit) without exactly one competent authority today: dossiers
    // of it cannot be received there.
    for (code, name, unit_name, resolution) in crate::competence::gaps(state).await? {
        let why = match &resolution {
            dieuhanh_core::competence::Resolution::Conflict { decisions, .. } => format!(
                "{name} ({code}): quyết định chồng chéo {}",
                decisions
                    .iter()
                    .map(|d| format!("#{d}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            dieuhanh_core::competence::Resolution::Gap { reason, .. } => {
                format!("{name} ({code}): {reason}")
            }
            dieuhanh_core::competence::Resolution::Competent { .. } => continue,
        };
        gaps.push(Gap {
            kind: "procedure_without_authority".into(),
            unit_code: units
                .iter()
                .find(|u| u.name == unit_name)
                .map(|u| u.code.clone())
                .unwrap_or_default(),
            unit_name,
            subject: why,
            link: "/admin/competence".into(),
        });
    }
    Ok(gaps)
}

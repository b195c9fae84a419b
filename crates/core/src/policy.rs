//! Who may do what, where: the one authorisation policy, applied by the web layer on
//! every route. Pure functions of (principal, action, target unit).
//!
//! The unit is the boundary: an official of a ward sees that ward's records and never
//! another's; province-level roles see the whole province.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    CityLeader,
    DepartmentOfficer,
    UnitLeader,
    UnitOfficer,
    Citizen,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::SystemAdmin,
        Role::CityLeader,
        Role::DepartmentOfficer,
        Role::UnitLeader,
        Role::UnitOfficer,
        Role::Citizen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::CityLeader => "city_leader",
            Role::DepartmentOfficer => "department_officer",
            Role::UnitLeader => "unit_leader",
            Role::UnitOfficer => "unit_officer",
            Role::Citizen => "citizen",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Roles that must use a second factor (TOTP) outside demo mode.
    pub fn requires_totp(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::CityLeader | Role::UnitLeader
        )
    }

    /// Officials belong to a unit; citizens do not.
    pub fn is_official(self) -> bool {
        self != Role::Citizen
    }
}

/// An authenticated person acting on the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub role: Role,
    /// The unit (or department, or the city itself) the official belongs to. Citizens
    /// are attached to the province root only for bookkeeping.
    pub unit_id: i64,
}

/// Something a principal may attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List the officials of a unit and search people.
    ViewPeople,
    /// Read the audit trail of a unit.
    ViewAudit,
    /// Create, disable and reset accounts.
    ManageUsers,
    /// Verify the audit chain and read operational data.
    Operate,
    /// See directives and work items (a unit: those it is accountable for or issued).
    ViewWork,
    /// Issue a directive to units.
    IssueDirective,
    /// Log field visits and follow-up tasks (city leaders).
    LogVisit,
    /// Decide which leader is in charge of which unit.
    AssignLeaders,
}

/// Which units' records a principal may read for an action: the filter every list
/// query applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every unit.
    All,
    /// Only records of this unit.
    Unit(i64),
    /// Only records the principal made themselves (audit entries of their own actions).
    OwnActions(i64),
    /// Nothing.
    Nothing,
}

impl Scope {
    pub fn includes_unit(&self, unit_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Unit(u) => *u == unit_id,
            Scope::OwnActions(_) | Scope::Nothing => false,
        }
    }
}

pub fn scope(principal: &Principal, action: Action) -> Scope {
    use Role::*;
    match (action, principal.role) {
        (_, SystemAdmin) => Scope::All,
        (Action::ViewPeople | Action::ViewAudit, CityLeader) => Scope::All,
        (Action::ViewPeople | Action::ViewAudit, DepartmentOfficer | UnitLeader | UnitOfficer) => {
            Scope::Unit(principal.unit_id)
        }
        (Action::ViewAudit, Citizen) => Scope::OwnActions(principal.user_id),
        (
            Action::ViewWork | Action::IssueDirective | Action::LogVisit | Action::AssignLeaders,
            CityLeader,
        ) => Scope::All,
        (Action::ViewWork, DepartmentOfficer | UnitLeader | UnitOfficer) => {
            Scope::Unit(principal.unit_id)
        }
        _ => Scope::Nothing,
    }
}

/// May the principal perform the action on records of `unit_id`?
pub fn allows(principal: &Principal, action: Action, unit_id: i64) -> bool {
    scope(principal, action).includes_unit(unit_id)
}

/// May the principal perform an action that has no target unit (e.g. operate the system)?
pub fn allows_global(principal: &Principal, action: Action) -> bool {
    scope(principal, action) == Scope::All
}

#[cfg(test)]
mod tests {
    use super::*;

    const WARD_A: i64 = 10;
    const WARD_B: i64 = 11;
    const DEPT: i64 = 2;

    fn p(role: Role, unit_id: i64) -> Principal {
        Principal {
            user_id: 7,
            role,
            unit_id,
        }
    }

    #[test]
    fn ward_officials_see_their_own_ward_only() {
        for role in [Role::UnitOfficer, Role::UnitLeader] {
            let me = p(role, WARD_A);
            assert!(allows(&me, Action::ViewPeople, WARD_A));
            assert!(allows(&me, Action::ViewAudit, WARD_A));
            assert!(!allows(&me, Action::ViewPeople, WARD_B));
            assert!(!allows(&me, Action::ViewAudit, WARD_B));
            assert!(!allows(&me, Action::ManageUsers, WARD_A));
            assert!(!allows_global(&me, Action::Operate));
        }
    }

    #[test]
    fn department_officers_see_their_department_only() {
        let me = p(Role::DepartmentOfficer, DEPT);
        assert!(allows(&me, Action::ViewPeople, DEPT));
        assert!(!allows(&me, Action::ViewPeople, WARD_A));
        assert!(!allows(&me, Action::ManageUsers, DEPT));
    }

    #[test]
    fn city_leaders_see_everything_but_do_not_administer() {
        let me = p(Role::CityLeader, 1);
        assert!(allows(&me, Action::ViewPeople, WARD_B));
        assert!(allows(&me, Action::ViewAudit, WARD_A));
        assert!(!allows(&me, Action::ManageUsers, WARD_A));
        assert!(!allows_global(&me, Action::Operate));
    }

    #[test]
    fn administrators_may_do_everything() {
        let me = p(Role::SystemAdmin, 1);
        for action in [
            Action::ViewPeople,
            Action::ViewAudit,
            Action::ManageUsers,
            Action::Operate,
        ] {
            assert!(allows_global(&me, action));
        }
    }

    #[test]
    fn citizens_see_only_their_own_actions() {
        let me = p(Role::Citizen, 1);
        assert_eq!(scope(&me, Action::ViewAudit), Scope::OwnActions(7));
        assert!(!allows(&me, Action::ViewPeople, 1));
        assert!(!allows(&me, Action::ViewAudit, 1));
    }

    #[test]
    fn work_is_seen_by_its_units_and_issued_by_city_leaders() {
        assert_eq!(
            scope(&p(Role::UnitOfficer, WARD_A), Action::ViewWork),
            Scope::Unit(WARD_A)
        );
        assert_eq!(scope(&p(Role::CityLeader, 1), Action::ViewWork), Scope::All);
        assert_eq!(
            scope(&p(Role::Citizen, 1), Action::ViewWork),
            Scope::Nothing
        );
        assert!(allows_global(
            &p(Role::CityLeader, 1),
            Action::IssueDirective
        ));
        assert!(!allows_global(
            &p(Role::UnitLeader, WARD_A),
            Action::IssueDirective
        ));
        assert!(!allows_global(
            &p(Role::DepartmentOfficer, DEPT),
            Action::IssueDirective
        ));
    }

    #[test]
    fn roles_round_trip_and_privileged_roles_need_totp() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(Role::SystemAdmin.requires_totp());
        assert!(Role::CityLeader.requires_totp());
        assert!(Role::UnitLeader.requires_totp());
        assert!(!Role::UnitOfficer.requires_totp());
        assert!(!Role::Citizen.requires_totp());
    }
}

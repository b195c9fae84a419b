//! One engine for every kind of work item (tasks, obstacles, report obligations, and
//! later dossiers and citizen reports): a kind is *declared* as states, actions, who may
//! take each action, and what each state does to the clock. The engine checks a
//! transition and computes the SLA status from the working-day calendar. No I/O.

use crate::calendar::{Calendar, CalendarError};
use jiff::civil::Date;

/// What a state does to the deadline clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Time counts against the deadline.
    Running,
    /// Time does not count (e.g. waiting for the citizen to supplement a dossier).
    Paused,
    /// The item is finished; the clock stopped at the transition into this state.
    Stopped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSpec {
    pub name: &'static str,
    pub clock: Clock,
}

/// Who stands in what relation to an item: the engine's notion of "role".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// A leader of the unit that issued the item (e.g. the city for a directive).
    Issuer,
    /// Any official of the issuing unit (e.g. the officer who raised an obstacle).
    IssuerOfficial,
    /// The leader of the accountable unit.
    OwnerLeader,
    /// An official of the accountable unit.
    OwnerOfficial,
    /// The official the item is assigned to.
    Assignee,
    /// An official of a co-operating unit.
    Cooperator,
    /// The citizen or business that filed the item (a dossier's applicant).
    Applicant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub name: &'static str,
    pub from: &'static [&'static str],
    pub to: &'static str,
    pub by: &'static [Relation],
    /// Whether the action needs a written reason (refusals, cancellations, extensions).
    pub needs_reason: bool,
}

/// A declared kind of work item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    pub kind: &'static str,
    pub initial: &'static str,
    pub states: &'static [StateSpec],
    pub actions: &'static [ActionSpec],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{kind} has no action {action}")]
    UnknownAction { kind: &'static str, action: String },
    #[error("{action} is not possible while the item is {state}")]
    NotInThisState { action: &'static str, state: String },
    #[error("you may not {action} this item")]
    NotPermitted { action: &'static str },
    #[error("{action} needs a reason")]
    ReasonRequired { action: &'static str },
}

/// An accepted transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub action: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub clock: Clock,
}

impl KindSpec {
    pub fn state(&self, name: &str) -> Option<&StateSpec> {
        self.states.iter().find(|s| s.name == name)
    }

    pub fn action(&self, name: &str) -> Option<&ActionSpec> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// The actions someone with `relations` may take from `state`.
    pub fn available(&self, state: &str, relations: &[Relation]) -> Vec<&'static str> {
        self.actions
            .iter()
            .filter(|a| a.from.contains(&state) && a.by.iter().any(|r| relations.contains(r)))
            .map(|a| a.name)
            .collect()
    }

    /// Checks that `action` may be taken from `state` by someone with `relations`.
    pub fn apply(
        &self,
        state: &str,
        action: &str,
        relations: &[Relation],
        reason: Option<&str>,
    ) -> Result<Transition, TransitionError> {
        let spec = self
            .action(action)
            .ok_or_else(|| TransitionError::UnknownAction {
                kind: self.kind,
                action: action.to_string(),
            })?;
        let from = spec.from.iter().find(|s| **s == state).ok_or_else(|| {
            TransitionError::NotInThisState {
                action: spec.name,
                state: state.to_string(),
            }
        })?;
        if !spec.by.iter().any(|r| relations.contains(r)) {
            return Err(TransitionError::NotPermitted { action: spec.name });
        }
        if spec.needs_reason && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(TransitionError::ReasonRequired { action: spec.name });
        }
        let clock = self
            .state(spec.to)
            .map(|s| s.clock)
            .unwrap_or(Clock::Running);
        Ok(Transition {
            action: spec.name,
            from,
            to: spec.to,
            clock,
        })
    }

    /// Every declared name refers to a declared state (checked by tests for each kind).
    pub fn is_consistent(&self) -> bool {
        let known = |s: &str| self.state(s).is_some();
        known(self.initial)
            && self
                .actions
                .iter()
                .all(|a| known(a.to) && a.from.iter().all(|f| known(f)))
    }
}

/// The relations a principal has to an item accountable to `owner_unit`, issued by
/// `issuer_unit` and assigned to `assignee`.
pub fn relations(
    principal: &crate::policy::Principal,
    owner_unit: i64,
    issuer_unit: i64,
    assignee: Option<i64>,
) -> Vec<Relation> {
    use crate::policy::Role;
    let role = principal.role;
    let mut out = Vec::new();
    if principal.unit_id == issuer_unit
        && matches!(
            role,
            Role::CityLeader | Role::DepartmentOfficer | Role::UnitLeader
        )
    {
        out.push(Relation::Issuer);
    }
    if principal.unit_id == issuer_unit && role.is_official() {
        out.push(Relation::IssuerOfficial);
    }
    if principal.unit_id == owner_unit {
        if matches!(role, Role::UnitLeader | Role::DepartmentOfficer) {
            out.push(Relation::OwnerLeader);
        }
        if role.is_official() {
            out.push(Relation::OwnerOfficial);
        }
    }
    if assignee == Some(principal.user_id) {
        out.push(Relation::Assignee);
    }
    out
}

/// How an item stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sla {
    OnTrack,
    DueSoon,
    Overdue,
    DoneOnTime,
    DoneLate,
}

impl Sla {
    pub fn as_str(self) -> &'static str {
        match self {
            Sla::OnTrack => "on_track",
            Sla::DueSoon => "due_soon",
            Sla::Overdue => "overdue",
            Sla::DoneOnTime => "done_on_time",
            Sla::DoneLate => "done_late",
        }
    }
}

/// The SLA status of an item due at the end of `due`: finished (on `done`) on time or
/// late; otherwise overdue after `due`, due soon within `soon` working days of `today`,
/// on track before that.
pub fn sla(
    calendar: &Calendar,
    due: Date,
    done: Option<Date>,
    today: Date,
    soon: u32,
) -> Result<Sla, CalendarError> {
    if let Some(done) = done {
        return Ok(if done <= due {
            Sla::DoneOnTime
        } else {
            Sla::DoneLate
        });
    }
    if today > due {
        return Ok(Sla::Overdue);
    }
    let left = calendar.working_days_between(today, due)?;
    Ok(if left <= i64::from(soon) {
        Sla::DueSoon
    } else {
        Sla::OnTrack
    })
}

/// A task of a directive (issue: direction): assigned to a unit, worked, reported,
/// accepted by the issuer; extensions asked and decided; cancellable by the issuer.
pub const TASK: KindSpec = {
    use Relation::*;
    KindSpec {
        kind: "task",
        initial: "received",
        states: &[
            StateSpec {
                name: "received",
                clock: Clock::Running,
            },
            StateSpec {
                name: "in_progress",
                clock: Clock::Running,
            },
            StateSpec {
                name: "extension_requested",
                clock: Clock::Running,
            },
            StateSpec {
                name: "completion_requested",
                clock: Clock::Running,
            },
            StateSpec {
                name: "done",
                clock: Clock::Stopped,
            },
            StateSpec {
                name: "cancelled",
                clock: Clock::Stopped,
            },
        ],
        actions: &[
            ActionSpec {
                name: "assign",
                from: &["received", "in_progress"],
                to: "in_progress",
                by: &[OwnerLeader],
                needs_reason: false,
            },
            ActionSpec {
                name: "report_progress",
                from: &["received", "in_progress"],
                to: "in_progress",
                by: &[OwnerLeader, Assignee],
                needs_reason: false,
            },
            ActionSpec {
                name: "request_extension",
                from: &["received", "in_progress"],
                to: "extension_requested",
                by: &[OwnerLeader, Assignee],
                needs_reason: true,
            },
            ActionSpec {
                name: "grant_extension",
                from: &["extension_requested"],
                to: "in_progress",
                by: &[Issuer],
                needs_reason: false,
            },
            ActionSpec {
                name: "refuse_extension",
                from: &["extension_requested"],
                to: "in_progress",
                by: &[Issuer],
                needs_reason: true,
            },
            ActionSpec {
                name: "request_completion",
                from: &["in_progress"],
                to: "completion_requested",
                by: &[OwnerLeader, Assignee],
                needs_reason: false,
            },
            ActionSpec {
                name: "accept_completion",
                from: &["completion_requested"],
                to: "done",
                by: &[Issuer],
                needs_reason: false,
            },
            ActionSpec {
                name: "reject_completion",
                from: &["completion_requested"],
                to: "in_progress",
                by: &[Issuer],
                needs_reason: true,
            },
            ActionSpec {
                name: "cancel",
                from: &[
                    "received",
                    "in_progress",
                    "extension_requested",
                    "completion_requested",
                ],
                to: "cancelled",
                by: &[Issuer],
                needs_reason: true,
            },
        ],
    }
};

/// An obstacle or request (vướng mắc, kiến nghị) raised by a unit: owned by the
/// department competent for its domain, which answers within a deadline; the raising
/// unit (the issuer) accepts the answer or reopens the obstacle with a reason.
pub const OBSTACLE: KindSpec = {
    use Relation::*;
    KindSpec {
        kind: "obstacle",
        initial: "submitted",
        states: &[
            StateSpec {
                name: "submitted",
                clock: Clock::Running,
            },
            // The department has answered; the unit's review does not count against it.
            StateSpec {
                name: "answered",
                clock: Clock::Paused,
            },
            StateSpec {
                name: "accepted",
                clock: Clock::Stopped,
            },
            StateSpec {
                name: "withdrawn",
                clock: Clock::Stopped,
            },
        ],
        actions: &[
            ActionSpec {
                name: "answer",
                from: &["submitted"],
                to: "answered",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: true,
            },
            ActionSpec {
                name: "accept",
                from: &["answered"],
                to: "accepted",
                by: &[IssuerOfficial],
                needs_reason: false,
            },
            ActionSpec {
                name: "reopen",
                from: &["answered"],
                to: "submitted",
                by: &[IssuerOfficial],
                needs_reason: true,
            },
            ActionSpec {
                name: "withdraw",
                from: &["submitted"],
                to: "withdrawn",
                by: &[IssuerOfficial],
                needs_reason: true,
            },
        ],
    }
};

/// A unit's obligation to submit one periodic report for one period: drafted by the
/// unit's officials (values are saved without a transition), submitted by its leader
/// (the report is the unit's, ND 09/2019 art. 8), then accepted by the issuing unit or
/// returned with a reason for correction, which reopens it against the same deadline.
pub const REPORT: KindSpec = {
    use Relation::*;
    KindSpec {
        kind: "report",
        initial: "open",
        states: &[
            StateSpec {
                name: "open",
                clock: Clock::Running,
            },
            StateSpec {
                name: "submitted",
                clock: Clock::Stopped,
            },
            StateSpec {
                name: "accepted",
                clock: Clock::Stopped,
            },
        ],
        actions: &[
            ActionSpec {
                name: "submit",
                from: &["open"],
                to: "submitted",
                by: &[OwnerLeader],
                needs_reason: false,
            },
            ActionSpec {
                name: "return",
                from: &["submitted"],
                to: "open",
                by: &[Issuer],
                needs_reason: true,
            },
            ActionSpec {
                name: "accept",
                from: &["submitted"],
                to: "accepted",
                by: &[Issuer],
                needs_reason: false,
            },
        ],
    }
};

/// A citizen's report (phản ánh) through the portal or Open311: owned by the ward where
/// it happened or the department of its category, acknowledged, worked, resolved with a
/// public note or rejected with a reason (duplicate, not ours); the city (the issuer,
/// which triages) or the owner's leader may reopen a resolved one.
pub const CITIZEN_REPORT: KindSpec = {
    use Relation::*;
    KindSpec {
        kind: "citizen_report",
        initial: "received",
        states: &[
            StateSpec {
                name: "received",
                clock: Clock::Running,
            },
            StateSpec {
                name: "acknowledged",
                clock: Clock::Running,
            },
            StateSpec {
                name: "in_progress",
                clock: Clock::Running,
            },
            StateSpec {
                name: "resolved",
                clock: Clock::Stopped,
            },
            StateSpec {
                name: "rejected",
                clock: Clock::Stopped,
            },
        ],
        actions: &[
            ActionSpec {
                name: "acknowledge",
                from: &["received"],
                to: "acknowledged",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: false,
            },
            // Triage: the unit holding it (the city's office for address-only reports, or
            // a unit that is not competent) hands it to the right one, which receives it
            // afresh.
            ActionSpec {
                name: "transfer",
                from: &["received", "acknowledged"],
                to: "received",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: true,
            },
            ActionSpec {
                name: "assign",
                from: &["received", "acknowledged", "in_progress"],
                to: "in_progress",
                by: &[OwnerLeader],
                needs_reason: false,
            },
            ActionSpec {
                name: "start",
                from: &["received", "acknowledged"],
                to: "in_progress",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: false,
            },
            ActionSpec {
                name: "resolve",
                from: &["acknowledged", "in_progress"],
                to: "resolved",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: true,
            },
            ActionSpec {
                name: "reject",
                from: &["received", "acknowledged"],
                to: "rejected",
                by: &[OwnerLeader],
                needs_reason: true,
            },
            ActionSpec {
                name: "reopen",
                from: &["resolved", "rejected"],
                to: "in_progress",
                by: &[OwnerLeader, Issuer],
                needs_reason: true,
            },
        ],
    }
};

/// A dossier of an administrative procedure (vn-admin-rules.md §2): filed online
/// (`submitted`, the clock not yet started) or at the counter (`received`); received by
/// the one-stop desk, which starts the legal clock; handled by an official; paused while
/// the applicant supplements (§2.4); finished by the competent leader's approval or a
/// reasoned refusal; the result returned. The applicant may withdraw before a result.
pub const DOSSIER: KindSpec = {
    use Relation::*;
    const OPEN: &[&str] = &[
        "submitted",
        "received",
        "in_progress",
        "awaiting_supplement",
    ];
    KindSpec {
        kind: "dossier",
        initial: "received",
        states: &[
            StateSpec {
                name: "submitted",
                clock: Clock::Paused,
            },
            StateSpec {
                name: "received",
                clock: Clock::Running,
            },
            StateSpec {
                name: "in_progress",
                clock: Clock::Running,
            },
            StateSpec {
                name: "awaiting_supplement",
                clock: Clock::Paused,
            },
            StateSpec {
                name: "finished",
                clock: Clock::Stopped,
            },
            StateSpec {
                name: "refused",
                clock: Clock::Stopped,
            },
            StateSpec {
                name: "returned",
                clock: Clock::Stopped,
            },
            StateSpec {
                name: "withdrawn",
                clock: Clock::Stopped,
            },
        ],
        actions: &[
            ActionSpec {
                name: "receive",
                from: &["submitted"],
                to: "received",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: false,
            },
            ActionSpec {
                name: "assign",
                from: &["received", "in_progress"],
                to: "in_progress",
                by: &[OwnerLeader],
                needs_reason: false,
            },
            ActionSpec {
                name: "start",
                from: &["received"],
                to: "in_progress",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: false,
            },
            // §2.4: one consolidated list of what is missing.
            ActionSpec {
                name: "request_supplement",
                from: &["received", "in_progress"],
                to: "awaiting_supplement",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: true,
            },
            // The applicant online, or the desk for papers brought to the counter.
            ActionSpec {
                name: "supplement",
                from: &["awaiting_supplement"],
                to: "in_progress",
                by: &[Applicant, OwnerLeader, OwnerOfficial],
                needs_reason: false,
            },
            // §2.5: the apology letter and the one new appointment.
            ActionSpec {
                name: "extend",
                from: &["in_progress"],
                to: "in_progress",
                by: &[OwnerLeader],
                needs_reason: true,
            },
            ActionSpec {
                name: "approve",
                from: &["in_progress"],
                to: "finished",
                by: &[OwnerLeader],
                needs_reason: false,
            },
            ActionSpec {
                name: "refuse",
                from: &["submitted", "received", "in_progress"],
                to: "refused",
                by: &[OwnerLeader],
                needs_reason: true,
            },
            ActionSpec {
                name: "return_result",
                from: &["finished", "refused"],
                to: "returned",
                by: &[OwnerLeader, OwnerOfficial],
                needs_reason: false,
            },
            ActionSpec {
                name: "withdraw",
                from: OPEN,
                to: "withdrawn",
                by: &[Applicant, OwnerLeader, OwnerOfficial],
                needs_reason: true,
            },
        ],
    }
};

/// Every declared kind.
pub const KINDS: [&KindSpec; 5] = [&TASK, &OBSTACLE, &REPORT, &CITIZEN_REPORT, &DOSSIER];

pub fn kind(name: &str) -> Option<&'static KindSpec> {
    KINDS.into_iter().find(|k| k.kind == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_kind_is_consistent() {
        for k in KINDS {
            assert!(k.is_consistent(), "{}", k.kind);
            assert_eq!(kind(k.kind), Some(k));
        }
    }

    /// Checks every (state, action, relation) of a kind against a table of the allowed
    /// ones written out independently of the declaration: each allowed one leads to the
    /// stated state, every other is refused.
    fn check_table(kind: &KindSpec, allowed: &[(&str, &str, Relation, &str)]) {
        use Relation::*;
        let all = [
            Issuer,
            IssuerOfficial,
            OwnerLeader,
            OwnerOfficial,
            Assignee,
            Cooperator,
            Applicant,
        ];
        for state in kind.states.iter().map(|s| s.name) {
            for action in kind.actions.iter().map(|a| a.name) {
                for who in all {
                    let got = kind.apply(state, action, &[who], Some("Lý do"));
                    match allowed
                        .iter()
                        .find(|a| (a.0, a.1, a.2) == (state, action, who))
                    {
                        Some(a) => {
                            assert_eq!(got.map(|t| t.to), Ok(a.3), "{state} {action} {who:?}")
                        }
                        None => assert!(got.is_err(), "{} {state} {action} {who:?}", kind.kind),
                    }
                }
            }
        }
    }

    #[test]
    fn every_task_transition_by_every_relation() {
        use Relation::*;
        let mut allowed = Vec::new();
        for from in ["received", "in_progress"] {
            allowed.push((from, "assign", OwnerLeader, "in_progress"));
            for who in [OwnerLeader, Assignee] {
                allowed.push((from, "report_progress", who, "in_progress"));
                allowed.push((from, "request_extension", who, "extension_requested"));
            }
        }
        for who in [OwnerLeader, Assignee] {
            allowed.push((
                "in_progress",
                "request_completion",
                who,
                "completion_requested",
            ));
        }
        allowed.push((
            "extension_requested",
            "grant_extension",
            Issuer,
            "in_progress",
        ));
        allowed.push((
            "extension_requested",
            "refuse_extension",
            Issuer,
            "in_progress",
        ));
        allowed.push(("completion_requested", "accept_completion", Issuer, "done"));
        allowed.push((
            "completion_requested",
            "reject_completion",
            Issuer,
            "in_progress",
        ));
        for from in [
            "received",
            "in_progress",
            "extension_requested",
            "completion_requested",
        ] {
            allowed.push((from, "cancel", Issuer, "cancelled"));
        }
        check_table(&TASK, &allowed);
    }

    #[test]
    fn every_citizen_report_transition_by_every_relation() {
        use Relation::*;
        let mut allowed = vec![
            ("received", "reject", OwnerLeader, "rejected"),
            ("acknowledged", "reject", OwnerLeader, "rejected"),
        ];
        for who in [OwnerLeader, OwnerOfficial] {
            allowed.push(("received", "acknowledge", who, "acknowledged"));
            allowed.push(("received", "transfer", who, "received"));
            allowed.push(("acknowledged", "transfer", who, "received"));
            for from in ["received", "acknowledged"] {
                allowed.push((from, "start", who, "in_progress"));
            }
            for from in ["acknowledged", "in_progress"] {
                allowed.push((from, "resolve", who, "resolved"));
            }
        }
        for from in ["received", "acknowledged", "in_progress"] {
            allowed.push((from, "assign", OwnerLeader, "in_progress"));
        }
        for who in [OwnerLeader, Issuer] {
            for from in ["resolved", "rejected"] {
                allowed.push((from, "reopen", who, "in_progress"));
            }
        }
        check_table(&CITIZEN_REPORT, &allowed);
    }

    #[test]
    fn every_dossier_transition_by_every_relation() {
        use Relation::*;
        let desk = [OwnerLeader, OwnerOfficial];
        let mut allowed = vec![
            ("received", "assign", OwnerLeader, "in_progress"),
            ("in_progress", "assign", OwnerLeader, "in_progress"),
            ("in_progress", "extend", OwnerLeader, "in_progress"),
            ("in_progress", "approve", OwnerLeader, "finished"),
            (
                "awaiting_supplement",
                "supplement",
                Applicant,
                "in_progress",
            ),
        ];
        for from in ["submitted", "received", "in_progress"] {
            allowed.push((from, "refuse", OwnerLeader, "refused"));
        }
        for from in [
            "submitted",
            "received",
            "in_progress",
            "awaiting_supplement",
        ] {
            allowed.push((from, "withdraw", Applicant, "withdrawn"));
        }
        for who in desk {
            allowed.push(("submitted", "receive", who, "received"));
            allowed.push(("received", "start", who, "in_progress"));
            allowed.push(("received", "request_supplement", who, "awaiting_supplement"));
            allowed.push((
                "in_progress",
                "request_supplement",
                who,
                "awaiting_supplement",
            ));
            allowed.push(("awaiting_supplement", "supplement", who, "in_progress"));
            allowed.push(("finished", "return_result", who, "returned"));
            allowed.push(("refused", "return_result", who, "returned"));
            for from in [
                "submitted",
                "received",
                "in_progress",
                "awaiting_supplement",
            ] {
                allowed.push((from, "withdraw", who, "withdrawn"));
            }
        }
        check_table(&DOSSIER, &allowed);
    }

    #[test]
    fn every_obstacle_transition_by_every_relation() {
        use Relation::*;
        check_table(
            &OBSTACLE,
            &[
                ("submitted", "answer", OwnerLeader, "answered"),
                ("submitted", "answer", OwnerOfficial, "answered"),
                ("answered", "accept", IssuerOfficial, "accepted"),
                ("answered", "reopen", IssuerOfficial, "submitted"),
                ("submitted", "withdraw", IssuerOfficial, "withdrawn"),
            ],
        );
    }

    #[test]
    fn a_report_is_submitted_by_the_unit_leader_and_accepted_or_returned_by_the_issuer() {
        use Relation::*;
        // Every action from every state, by every relation: exactly the declared ones pass.
        let all = [
            Issuer,
            IssuerOfficial,
            OwnerLeader,
            OwnerOfficial,
            Assignee,
            Cooperator,
            Applicant,
        ];
        let allowed = [
            ("open", "submit", OwnerLeader, "submitted"),
            ("submitted", "return", Issuer, "open"),
            ("submitted", "accept", Issuer, "accepted"),
        ];
        for state in ["open", "submitted", "accepted"] {
            for action in ["submit", "return", "accept"] {
                for who in all {
                    let got = REPORT.apply(state, action, &[who], Some("Thiếu số liệu"));
                    match allowed
                        .iter()
                        .find(|a| (a.0, a.1, a.2) == (state, action, who))
                    {
                        Some(a) => assert_eq!(got.unwrap().to, a.3),
                        None => assert!(got.is_err(), "{state} {action} {who:?}"),
                    }
                }
            }
        }
        assert_eq!(
            REPORT.apply("submitted", "return", &[Issuer], None),
            Err(TransitionError::ReasonRequired { action: "return" })
        );
        assert_eq!(
            REPORT
                .apply("open", "submit", &[OwnerLeader], None)
                .unwrap()
                .clock,
            Clock::Stopped
        );
    }

    #[test]
    fn an_obstacle_is_answered_then_accepted_or_reopened() {
        let t = OBSTACLE
            .apply(
                "submitted",
                "answer",
                &[Relation::OwnerOfficial],
                Some("Đã hướng dẫn"),
            )
            .unwrap();
        assert_eq!((t.to, t.clock), ("answered", Clock::Paused));
        assert_eq!(
            OBSTACLE.apply("submitted", "answer", &[Relation::OwnerOfficial], None),
            Err(TransitionError::ReasonRequired { action: "answer" })
        );
        assert_eq!(
            OBSTACLE.apply("answered", "accept", &[Relation::OwnerLeader], None),
            Err(TransitionError::NotPermitted { action: "accept" })
        );
        assert_eq!(
            OBSTACLE
                .apply(
                    "answered",
                    "reopen",
                    &[Relation::IssuerOfficial],
                    Some("Chưa rõ")
                )
                .unwrap()
                .to,
            "submitted"
        );
        assert_eq!(
            OBSTACLE
                .apply("answered", "accept", &[Relation::IssuerOfficial], None)
                .unwrap()
                .clock,
            Clock::Stopped
        );
    }

    #[test]
    fn a_task_goes_from_receipt_to_acceptance() {
        let t = TASK
            .apply("received", "assign", &[Relation::OwnerLeader], None)
            .unwrap();
        assert_eq!(
            (t.from, t.to, t.clock),
            ("received", "in_progress", Clock::Running)
        );
        let t = TASK
            .apply(
                "in_progress",
                "request_completion",
                &[Relation::Assignee],
                None,
            )
            .unwrap();
        assert_eq!(t.to, "completion_requested");
        let t = TASK
            .apply(
                "completion_requested",
                "accept_completion",
                &[Relation::Issuer],
                None,
            )
            .unwrap();
        assert_eq!((t.to, t.clock), ("done", Clock::Stopped));
    }

    #[test]
    fn invalid_transitions_are_refused_with_the_reason() {
        assert_eq!(
            TASK.apply("done", "report_progress", &[Relation::Assignee], None),
            Err(TransitionError::NotInThisState {
                action: "report_progress",
                state: "done".into()
            })
        );
        assert_eq!(
            TASK.apply(
                "completion_requested",
                "accept_completion",
                &[Relation::OwnerLeader],
                None
            ),
            Err(TransitionError::NotPermitted {
                action: "accept_completion"
            })
        );
        assert_eq!(
            TASK.apply("in_progress", "cancel", &[Relation::Issuer], Some("  ")),
            Err(TransitionError::ReasonRequired { action: "cancel" })
        );
        assert!(matches!(
            TASK.apply("in_progress", "fly", &[Relation::Issuer], None),
            Err(TransitionError::UnknownAction { .. })
        ));
        assert_eq!(
            TASK.available("completion_requested", &[Relation::Issuer]),
            ["accept_completion", "reject_completion", "cancel"]
        );
        assert!(
            TASK.available("done", &[Relation::Issuer, Relation::OwnerLeader])
                .is_empty()
        );
    }

    fn calendar() -> Calendar {
        Calendar::from_csv(
            include_str!("../../../data/vn-calendar-years.csv"),
            include_str!("../../../data/vn-public-sector-calendar.csv"),
        )
        .unwrap()
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn relations_follow_unit_role_and_assignment() {
        use crate::policy::{Principal, Role};
        let leader = Principal {
            user_id: 1,
            role: Role::UnitLeader,
            unit_id: 10,
        };
        assert_eq!(
            relations(&leader, 10, 1, None),
            [Relation::OwnerLeader, Relation::OwnerOfficial]
        );
        let officer = Principal {
            user_id: 2,
            role: Role::UnitOfficer,
            unit_id: 10,
        };
        assert_eq!(
            relations(&officer, 10, 1, Some(2)),
            [Relation::OwnerOfficial, Relation::Assignee]
        );
        assert!(
            relations(&officer, 11, 1, None).is_empty(),
            "another unit's task"
        );
        let city = Principal {
            user_id: 3,
            role: Role::CityLeader,
            unit_id: 1,
        };
        assert_eq!(
            relations(&city, 10, 1, None),
            [Relation::Issuer, Relation::IssuerOfficial]
        );
        let citizen = Principal {
            user_id: 4,
            role: Role::Citizen,
            unit_id: 1,
        };
        assert!(relations(&citizen, 10, 1, None).is_empty());
    }

    #[test]
    fn sla_status_follows_the_working_day_calendar() {
        let c = calendar();
        let due = d("2026-05-04");
        // 24/4 to 4/5 is three working days (27/4, 30/4 and 1/5 are off).
        assert_eq!(
            sla(&c, due, None, d("2026-04-24"), 3).unwrap(),
            Sla::DueSoon
        );
        assert_eq!(
            sla(&c, due, None, d("2026-04-24"), 2).unwrap(),
            Sla::OnTrack
        );
        assert_eq!(
            sla(&c, due, None, d("2026-05-04"), 0).unwrap(),
            Sla::DueSoon
        );
        assert_eq!(
            sla(&c, due, None, d("2026-05-05"), 3).unwrap(),
            Sla::Overdue
        );
        assert_eq!(
            sla(&c, due, Some(d("2026-05-04")), d("2026-06-01"), 3).unwrap(),
            Sla::DoneOnTime
        );
        assert_eq!(
            sla(&c, due, Some(d("2026-05-05")), d("2026-05-05"), 3).unwrap(),
            Sla::DoneLate
        );
    }

    proptest! {
        /// Whatever sequence of actions anyone attempts, the item is always in a
        /// declared state, and nothing leaves a finished state.
        #[test]
        fn random_action_sequences_keep_the_state_machine_sound(
            steps in proptest::collection::vec((0usize..9, 0usize..5, proptest::bool::ANY), 0..40)
        ) {
            let relations = [Relation::Issuer, Relation::IssuerOfficial, Relation::OwnerLeader, Relation::OwnerOfficial, Relation::Assignee];
            let mut state: &str = TASK.initial;
            for (a, r, with_reason) in steps {
                let action = TASK.actions[a].name;
                let before = state;
                match TASK.apply(state, action, &[relations[r]], with_reason.then_some("lý do")) {
                    Ok(t) => {
                        prop_assert_eq!(t.from, before);
                        prop_assert!(TASK.state(before).unwrap().clock != Clock::Stopped);
                        state = t.to;
                    }
                    Err(_) => prop_assert_eq!(state, before),
                }
                prop_assert!(TASK.state(state).is_some());
            }
        }
    }
}

//! The direction use cases shared by the pages and the API: issuing a directive to
//! units, reading tasks within one's scope, and acting on a task through the workflow
//! engine. Errors carry a stable code (API) and a translation key (pages).

use crate::state::AppState;
use dieuhanh_core::calendar::parse_date;
use dieuhanh_core::policy::{self, Action, Principal, Scope};
use dieuhanh_core::workflow::{self, Sla, TASK, TransitionError};
use dieuhanh_store::StoreError;
use dieuhanh_store::direction::{self, Change, NewDirective, WorkItem};
use jiff::civil::Date;

/// Working days before the deadline from which an open task counts as due soon.
pub const DUE_SOON_WORKING_DAYS: u32 = 3;

pub const PRIORITIES: [&str; 3] = ["normal", "high", "urgent"];

#[derive(Debug, thiserror::Error)]
pub enum DirectionError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the task was changed by someone else meanwhile; reload it")]
    Conflict,
    #[error(transparent)]
    Calendar(#[from] dieuhanh_core::calendar::CalendarError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for DirectionError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => DirectionError::NotFound,
            StoreError::Conflict(_) => DirectionError::Conflict,
            other => DirectionError::Store(other),
        }
    }
}

impl From<dieuhanh_store::DbError> for DirectionError {
    fn from(e: dieuhanh_store::DbError) -> Self {
        DirectionError::Store(StoreError::Db(e))
    }
}

impl DirectionError {
    /// The stable API code.
    pub fn code(&self) -> &'static str {
        match self {
            DirectionError::Invalid(code) => code,
            DirectionError::NotFound => "not_found",
            DirectionError::Forbidden => "forbidden",
            DirectionError::Transition(TransitionError::UnknownAction { .. }) => "unknown_action",
            DirectionError::Transition(TransitionError::NotInThisState { .. }) => {
                "invalid_transition"
            }
            DirectionError::Transition(TransitionError::NotPermitted { .. }) => "forbidden",
            DirectionError::Transition(TransitionError::ReasonRequired { .. }) => "reason_required",
            DirectionError::Conflict => "conflict",
            DirectionError::Calendar(_) => "calendar_incomplete",
            DirectionError::Store(_) => "internal",
        }
    }

    /// The translation key of the message shown on pages.
    pub fn message_key(&self) -> &'static str {
        match self.code() {
            "invalid_doc_number" => "direction.err.doc_number",
            "invalid_doc_date" => "direction.err.doc_date",
            "invalid_signer" => "direction.err.signer",
            "invalid_title" => "direction.err.title",
            "invalid_due" => "direction.err.due",
            "invalid_priority" => "direction.err.priority",
            "invalid_units" => "direction.err.units",
            "invalid_progress" => "direction.err.progress",
            "invalid_assignee" => "direction.err.assignee",
            "invalid_due_date" => "direction.err.due_date",
            "invalid_note" => "direction.err.note",
            "invalid_cooperators" => "direction.err.cooperators",
            "invalid_task" => "obstacles.err.task",
            "invalid_unit" => "citizen.err.unit",
            "invalid_quota" => "staffing.err.quota",
            "invalid_requirements" => "staffing.err.requirements",
            "invalid_levels" => "staffing.err.levels",
            "invalid_wishes" => "staffing.err.wishes",
            "invalid_weights" => "staffing.err.weights",
            "invalid_locks" => "staffing.err.locks",
            "no_positions" => "staffing.err.no_positions",
            "invalid_rotation" => "staffing.err.rotation",
            "invalid_deputy" => "staffing.err.deputy",
            "invalid_ballot_kind" => "ballots.err.kind",
            "invalid_options" => "ballots.err.options",
            "invalid_threshold" => "ballots.err.threshold",
            "invalid_opens" => "ballots.err.opens",
            "invalid_closes" => "ballots.err.closes",
            "invalid_voters" => "ballots.err.voters",
            "ballot_not_open" => "ballots.err.not_open",
            "already_voted" => "ballots.err.already_voted",
            "invalid_option" => "ballots.err.option",
            "item_closed" => "files.err.closed",
            "file_empty" => "files.err.empty",
            "file_too_large" => "files.err.too_large",
            "file_name" => "files.err.name",
            "file_kind" => "files.err.kind",
            "invalid_frequency" => "reports.err.frequency",
            "invalid_period_system" => "reports.err.period_system",
            "invalid_due_working_days" => "reports.err.due_working_days",
            "invalid_fields" => "reports.err.fields",
            "invalid_period" => "reports.err.period",
            "report_not_open" => "reports.err.not_open",
            "report_incomplete" => "reports.err.incomplete",
            "invalid_leader" => "visits.err.leader",
            "invalid_domain" => "obstacles.err.domain",
            "invalid_description" => "obstacles.err.description",
            "already_in_charge" => "visits.err.already",
            "invalid_visit_date" => "visits.err.date",
            "invalid_findings" => "visits.err.findings",
            "unknown_procedure" => "dossiers.err.unknown_procedure",
            "invalid_applicant_name" => "dossiers.err.applicant_name",
            "invalid_identity" => "dossiers.err.identity",
            "invalid_contact" => "dossiers.err.contact",
            "no_competent_authority" => "dossiers.err.no_competent_authority",
            "competence_conflict" => "dossiers.err.competence_conflict",
            "too_many_files" => "dossiers.err.too_many_files",
            "unknown_document" => "dossiers.err.unknown_document",
            "missing_document" => "dossiers.err.missing_document",
            "code_exhausted" => "dossiers.err.code_exhausted",
            "calendar_unknown" | "bad_instant" | "bad_term" => "dossiers.err.clock",
            "not_received" => "dossiers.err.not_received",
            "supplement_once" => "dossiers.err.supplement_once",
            "extension_once" => "dossiers.err.extension_once",
            "extension_too_late" => "dossiers.err.extension_too_late",
            "extension_not_later" => "dossiers.err.extension_not_later",
            "not_a_working_day" => "dossiers.err.not_a_working_day",
            "invalid_fee_channel" => "dossiers.err.fee_channel",
            "fee_not_due" => "dossiers.err.fee_not_due",
            "invalid_code" => "dossiers.err.code",
            "not_the_applicant" => "dossiers.err.not_the_applicant",
            "not_finished" => "dossiers.err.not_finished",
            "invalid_rating" => "dossiers.err.rating",
            "already_rated" => "dossiers.err.already_rated",
            "reason_required" => "direction.err.reason",
            "invalid_transition" => "direction.err.transition",
            "unknown_action" => "direction.err.transition",
            "conflict" => "direction.err.conflict",
            "calendar_incomplete" => "direction.err.calendar",
            "forbidden" => "error.forbidden",
            "not_found" => "error.not_found",
            _ => "error.internal",
        }
    }
}

/// Vietnamese civil date today.
pub fn today() -> Date {
    dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us())
        .unwrap_or(Date::constant(2026, 1, 1))
}

/// The SLA of a task today; `None` if the calendar cannot tell (an incomplete year).
pub fn sla_of(state: &AppState, item: &WorkItem) -> Option<Sla> {
    let due: Date = item.due_date.parse().ok()?;
    let closed = item.closed_on.as_deref().and_then(|d| d.parse().ok());
    workflow::sla(
        &state.calendar(),
        due,
        closed,
        today(),
        DUE_SOON_WORKING_DAYS,
    )
    .ok()
}

/// What a directive asks.
#[derive(Debug, Clone, Default)]
pub struct DirectiveInput {
    pub doc_number: String,
    pub doc_date: String,
    pub signer: String,
    pub title: String,
    pub summary: String,
    /// A date (dd/mm/yyyy or YYYY-MM-DD), or empty when `due_working_days` is given.
    pub due_date: String,
    pub due_working_days: Option<u32>,
    pub priority: String,
    /// Unit codes, or `all` for every communal unit.
    pub units: Vec<String>,
    /// Codes of units that co-operate on every task (not the lead unit).
    pub cooperators: Vec<String>,
}

fn text(value: &str, max: usize, code: &'static str) -> Result<String, DirectionError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        Err(DirectionError::Invalid(code))
    } else {
        Ok(v.to_string())
    }
}

/// Issues a directive and its tasks. Only city leaders may.
pub async fn issue(
    state: &AppState,
    principal: &Principal,
    input: &DirectiveInput,
) -> Result<(i64, usize), DirectionError> {
    if !policy::allows_global(principal, Action::IssueDirective) {
        return Err(DirectionError::Forbidden);
    }
    let doc_number = text(&input.doc_number, 100, "invalid_doc_number")?;
    let doc_date =
        parse_date(&input.doc_date).ok_or(DirectionError::Invalid("invalid_doc_date"))?;
    let signer = text(&input.signer, 200, "invalid_signer")?;
    let title = text(&input.title, 500, "invalid_title")?;
    let summary = input
        .summary
        .trim()
        .chars()
        .take(10_000)
        .collect::<String>();
    let priority = if input.priority.trim().is_empty() {
        "normal"
    } else {
        input.priority.trim()
    };
    if !PRIORITIES.contains(&priority) {
        return Err(DirectionError::Invalid("invalid_priority"));
    }
    let due = match (parse_date(&input.due_date), input.due_working_days) {
        (Some(d), None) if d >= doc_date => d,
        (None, Some(n)) if input.due_date.trim().is_empty() && (1..=3650).contains(&n) => {
            state.calendar().add_working_days(today(), n)?
        }
        _ => return Err(DirectionError::Invalid("invalid_due")),
    };
    let all = dieuhanh_store::units::all_current(&state.store).await?;
    let mut unit_ids: Vec<i64> = Vec::new();
    for code in input
        .units
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        if code == "all" {
            unit_ids.extend(all.iter().filter(|u| u.kind.is_communal()).map(|u| u.id));
        } else {
            let unit = all
                .iter()
                .find(|u| u.code == code)
                .ok_or(DirectionError::Invalid("invalid_units"))?;
            if unit.kind.is_provincial() {
                return Err(DirectionError::Invalid("invalid_units"));
            }
            unit_ids.push(unit.id);
        }
    }
    unit_ids.sort_unstable();
    unit_ids.dedup();
    if unit_ids.is_empty() {
        return Err(DirectionError::Invalid("invalid_units"));
    }
    let mut cooperator_ids: Vec<i64> = Vec::new();
    for code in input
        .cooperators
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        let unit = all
            .iter()
            .find(|u| u.code == code && !u.kind.is_provincial())
            .ok_or(DirectionError::Invalid("invalid_cooperators"))?;
        cooperator_ids.push(unit.id);
    }
    cooperator_ids.sort_unstable();
    cooperator_ids.dedup();
    if cooperator_ids.len() > 50 {
        return Err(DirectionError::Invalid("invalid_cooperators"));
    }
    let (doc_date, due) = (doc_date.to_string(), due.to_string());
    let mut tx = state.store.begin().await?;
    let id = direction::create_directive(
        &mut tx,
        &NewDirective {
            unit_id: principal.unit_id,
            doc_number: &doc_number,
            doc_date: &doc_date,
            signer: &signer,
            title: &title,
            summary: &summary,
            due_date: &due,
            priority,
            created_by: principal.user_id,
            unit_ids: &unit_ids,
            cooperator_ids: &cooperator_ids,
        },
        TASK.initial,
    )
    .await?;
    tx.commit().await?;
    Ok((id, unit_ids.len()))
}

/// The scope filter for work items, or `Forbidden`.
pub fn work_scope(principal: &Principal) -> Result<Option<i64>, DirectionError> {
    match policy::scope(principal, Action::ViewWork) {
        Scope::All => Ok(None),
        Scope::Unit(u) => Ok(Some(u)),
        _ => Err(DirectionError::Forbidden),
    }
}

/// A task the principal may see: of their unit or issued by it (or any, for city
/// leaders). Others' tasks are "not found".
pub async fn visible_item(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<WorkItem, DirectionError> {
    let scope = work_scope(principal)?;
    let item = direction::item(&state.store, id).await?;
    match scope {
        Some(u)
            if item.unit_id != u
                && item.issuer_unit_id != u
                && !direction::is_cooperator(&state.store, id, u).await? =>
        {
            Err(DirectionError::NotFound)
        }
        _ => Ok(item),
    }
}

/// A visible item of one kind; an item of another kind is "not found" here.
pub async fn visible_of_kind(
    state: &AppState,
    principal: &Principal,
    id: i64,
    kind: &str,
) -> Result<WorkItem, DirectionError> {
    let item = visible_item(state, principal, id).await?;
    if item.kind == kind {
        Ok(item)
    } else {
        Err(DirectionError::NotFound)
    }
}

/// How the principal stands to an item: the engine's relations.
pub fn relations_to(principal: &Principal, item: &WorkItem) -> Vec<workflow::Relation> {
    workflow::relations(
        principal,
        item.unit_id,
        item.issuer_unit_id,
        item.assignee_id,
    )
}

/// What someone does to a task.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub action: String,
    pub note: String,
    pub progress: Option<i64>,
    /// Username of the official to assign.
    pub assignee: String,
    /// New deadline when granting an extension.
    pub due_date: String,
    /// Code of the unit a citizen report is transferred to.
    pub unit: String,
}

/// Takes an action on a work item of any declared kind, with the side effects the
/// action has (assignment, progress, new deadline, answer, closing).
pub async fn act(
    state: &AppState,
    principal: &Principal,
    item_id: i64,
    input: &ActionInput,
) -> Result<(), DirectionError> {
    let item = visible_item(state, principal, item_id).await?;
    // A dossier's actions also move its legal clock: they go through its own use case.
    if item.kind == "dossier" {
        let action = crate::dossiers::DossierAction {
            action: input.action.clone(),
            note: input.note.clone(),
            assignee: input.assignee.clone(),
            new_date: input.due_date.clone(),
        };
        return crate::dossiers::act(state, principal, item_id, &action).await;
    }
    let spec = workflow::kind(&item.kind).ok_or(DirectionError::NotFound)?;
    let relations = relations_to(principal, &item);
    let note = input.note.trim();
    if note.chars().count() > 10_000 {
        return Err(DirectionError::Invalid("invalid_note"));
    }
    let t = spec.apply(
        &item.state,
        input.action.trim(),
        &relations,
        Some(note).filter(|n| !n.is_empty()),
    )?;
    let mut change = Change {
        action: t.action,
        from: t.from,
        to: t.to,
        actor: principal.user_id,
        note: note.into(),
        progress: None,
        assignee_id: None,
        due_date: None,
        closed_on: None,
        reopen: false,
    };
    let today = today();
    let mut transfer_to = None;
    match (spec.kind, t.action) {
        ("task" | "citizen_report", "assign") => {
            let user = dieuhanh_store::users::by_username(&state.store, input.assignee.trim())
                .await
                .map_err(|_| DirectionError::Invalid("invalid_assignee"))?;
            if user.unit_id != item.unit_id || !user.role.is_official() || user.disabled {
                return Err(DirectionError::Invalid("invalid_assignee"));
            }
            change.assignee_id = Some(user.id);
        }
        ("task", "report_progress") => {
            let p = input
                .progress
                .filter(|p| (0..=100).contains(p))
                .ok_or(DirectionError::Invalid("invalid_progress"))?;
            change.progress = Some(p);
        }
        ("task", "grant_extension") => {
            let current: Date = item
                .due_date
                .parse()
                .map_err(|_| DirectionError::Invalid("invalid_due_date"))?;
            let d = parse_date(&input.due_date)
                .filter(|d| *d > current)
                .ok_or(DirectionError::Invalid("invalid_due_date"))?;
            change.due_date = Some(d.to_string().into());
        }
        ("task", "accept_completion") => {
            change.progress = Some(100);
            change.closed_on = Some(today.to_string().into());
        }
        // A reopened obstacle gets a fresh answering term.
        ("obstacle", "reopen") => {
            let due = state
                .calendar()
                .add_working_days(today, crate::obstacles::answer_days(state).await)?;
            change.due_date = Some(due.to_string().into());
        }
        // A report is submitted complete; its submission date is what counts.
        ("report", "submit") => {
            // Visibility was checked above; read the values and their template.
            let obligation = dieuhanh_store::reports::obligation(&state.store, item.id).await?;
            let template =
                dieuhanh_store::reports::template(&state.store, obligation.template_id).await?;
            if !crate::reports::missing_fields(&template, &obligation).is_empty() {
                return Err(DirectionError::Invalid("report_incomplete"));
            }
            change.closed_on = Some(today.to_string().into());
        }
        ("report", "return") => change.reopen = true,
        ("citizen_report", "resolve" | "reject") => {
            change.closed_on = Some(today.to_string().into())
        }
        ("citizen_report", "reopen") => change.reopen = true,
        ("citizen_report", "transfer") => {
            let target = dieuhanh_store::units::by_code(&state.store, input.unit.trim())
                .await
                .map_err(|_| DirectionError::Invalid("invalid_unit"))?;
            if target.id == item.unit_id || target.valid_to.is_some() || target.parent_id.is_none()
            {
                return Err(DirectionError::Invalid("invalid_unit"));
            }
            transfer_to = Some(target.id);
        }
        ("report", "accept") => {}
        (_, "cancel" | "accept" | "withdraw") => change.closed_on = Some(today.to_string().into()),
        _ => {}
    }
    // Read before the write job: the job holds the writer while it runs.
    let obstacle = if spec.kind == "obstacle" && t.action == "answer" {
        Some(dieuhanh_store::obstacles::details(&state.store, item.id).await?)
    } else {
        None
    };
    let (change, actor, action) = (change.into_owned(), principal.user_id, t.action);
    state
        .store
        .write(move |tx| {
            Box::pin(async move {
                direction::apply(tx, &item, &change).await?;
                // A citizen report's public face changes with it: its updated time, and
                // the note of a resolution, rejection or reopening (public by design).
                if spec.kind == "citizen_report" {
                    let public = matches!(action, "resolve" | "reject" | "reopen")
                        .then_some(change.note.as_ref());
                    dieuhanh_store::citizen::touch(tx, item.id, public).await?;
                    if let Some(unit) = transfer_to {
                        dieuhanh_store::citizen::transfer(tx, &item, unit, actor).await?;
                    }
                }
                if let Some(details) = obstacle {
                    dieuhanh_store::obstacles::set_answer(
                        tx,
                        item.id,
                        &item.title,
                        &details.domain,
                        &change.note,
                    )
                    .await?;
                }
                Ok::<(), DirectionError>(())
            })
        })
        .await
}

/// Counts of a directive's tasks by how they stand.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub total: i64,
    pub not_started: i64,
    pub on_track: i64,
    pub due_soon: i64,
    pub overdue: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    pub cancelled: i64,
}

pub fn progress(state: &AppState, items: &[WorkItem]) -> Progress {
    let mut p = Progress {
        total: items.len() as i64,
        ..Progress::default()
    };
    for item in items {
        if item.state == "cancelled" {
            p.cancelled += 1;
            continue;
        }
        match sla_of(state, item) {
            Some(Sla::DoneOnTime) => p.done_on_time += 1,
            Some(Sla::DoneLate) => p.done_late += 1,
            Some(Sla::Overdue) => p.overdue += 1,
            Some(Sla::DueSoon) if item.state == TASK.initial => p.not_started += 1,
            Some(Sla::DueSoon) => p.due_soon += 1,
            _ if item.state == TASK.initial => p.not_started += 1,
            _ => p.on_track += 1,
        }
    }
    p
}

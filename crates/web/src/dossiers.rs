//! Dossier use cases (issue: public services): filing at the counter or online, the
//! one-stop desk's and the handling officer's actions on the legal clock, payment, the
//! public lookup and the applicant's rating. The rules are the core's
//! ([`dieuhanh_core::dossier`]); this layer checks who may do what and records it.

use crate::direction::{DirectionError, today};
use crate::state::AppState;
use dieuhanh_core::dossier::{self, Appointment, ClockRules};
use dieuhanh_core::files;
use dieuhanh_core::policy::{Principal, Role};
use dieuhanh_core::workflow::{self, DOSSIER, Relation};
use dieuhanh_store::attachments::{NewAttachment, Owner};
use dieuhanh_store::direction::Change;
use dieuhanh_store::dossiers::{self, Dossier, NewDossier, Record};
use dieuhanh_store::procedures::{self, Procedure};
use serde::{Deserialize, Serialize};

/// What the applicant tells about themselves; sealed at rest, bound to the dossier code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    /// Citizen identity number (12 digits), or a business's tax code (10 or 13 digits).
    pub identity: String,
    pub phone: String,
    pub email: String,
}

pub fn seal_context(code: &str) -> String {
    format!("dossier applicant {code}")
}

/// The identity number shown to those who do not need all of it: `0792******45`.
pub fn mask_identity(identity: &str) -> String {
    let chars: Vec<char> = identity.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 4 || i >= chars.len() - 2 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// Checks what the applicant typed; returns it trimmed.
pub fn check_applicant(a: &Applicant) -> Result<Applicant, DirectionError> {
    let name = a.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(DirectionError::Invalid("invalid_applicant_name"));
    }
    let identity = a.identity.trim();
    if !matches!(identity.len(), 10 | 12 | 13) || !identity.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DirectionError::Invalid("invalid_identity"));
    }
    let phone: String = a.phone.chars().filter(|c| !c.is_whitespace()).collect();
    let email = a.email.trim();
    let phone_ok = phone.is_empty()
        || (phone.len() >= 9
            && phone.len() <= 12
            && phone
                .trim_start_matches('+')
                .bytes()
                .all(|b| b.is_ascii_digit()));
    let email_ok = email.is_empty()
        || (email.len() <= 200
            && email
                .split_once('@')
                .is_some_and(|(u, d)| !u.is_empty() && d.contains('.')));
    if !phone_ok || !email_ok || (phone.is_empty() && email.is_empty()) {
        return Err(DirectionError::Invalid("invalid_contact"));
    }
    Ok(Applicant {
        name: name.to_string(),
        identity: identity.to_string(),
        phone,
        email: email.to_string(),
    })
}

/// The agency identifier of a receiving unit in the legacy code format (§3):
/// `V1V2V3.Z1Z2.00.{suffix}`, where the first five characters are the unit's
/// administrative code. The official QĐ 20/2020 identifiers of HCMC's units are not
/// published in our sources (vn-admin-rules.md §7 item 3); the suffix is configurable.
pub fn agency_code(unit_code: &str, suffix: &str) -> String {
    let digits: String = unit_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let padded = format!("{digits:0>5}");
    let tail = &padded[padded.len() - 5..];
    format!("{}.{}.00.{suffix}", &tail[..3], &tail[3..])
}

/// One uploaded file for the document at `document` (its index in the procedure's list).
pub struct Upload {
    pub document: usize,
    pub name: String,
    pub content: Vec<u8>,
}

/// A filing, at the counter or online.
pub struct Filing {
    pub procedure_code: String,
    /// The receiving unit's code (online: the applicant's choice; ND 118/2025 lets them
    /// file at any commune of the city).
    pub unit_code: String,
    pub applicant: Applicant,
    /// At the counter: the documents the officer has checked as handed in.
    pub documents_handed_in: Vec<usize>,
}

/// Who files: an officer at the counter of their unit, or the applicant online
/// (signed in or not).
pub enum Filer<'a> {
    Counter(&'a Principal),
    Online(Option<&'a Principal>),
}

/// The procedure in force today, or a clear error.
pub async fn procedure_in_force(state: &AppState, code: &str) -> Result<Procedure, DirectionError> {
    let p = procedures::get(&state.store, code.trim())
        .await
        .map_err(|_| DirectionError::Invalid("unknown_procedure"))?;
    let today = today().to_string();
    if p.valid_from.as_str() > today.as_str()
        || p.valid_to.as_deref().is_some_and(|to| to < today.as_str())
    {
        return Err(DirectionError::Invalid("unknown_procedure"));
    }
    Ok(p)
}

/// Files a dossier: checks everything first, then writes the dossier, its work item, its
/// files and the audit entry in one transaction. Returns (item id, dossier code).
pub async fn file(
    state: &AppState,
    filer: Filer<'_>,
    filing: &Filing,
    uploads: Vec<Upload>,
) -> Result<(i64, String), DirectionError> {
    let procedure = procedure_in_force(state, &filing.procedure_code).await?;
    let applicant = check_applicant(&filing.applicant)?;
    let (unit, counter_officer, applicant_user) = match filer {
        Filer::Counter(p) => {
            if !matches!(p.role, Role::UnitLeader | Role::UnitOfficer) {
                return Err(DirectionError::Forbidden);
            }
            let unit = dieuhanh_store::units::by_id(&state.store, p.unit_id).await?;
            (unit, Some(p.user_id), None)
        }
        Filer::Online(p) => {
            let unit = dieuhanh_store::units::by_code(&state.store, filing.unit_code.trim())
                .await
                .map_err(|_| DirectionError::Invalid("invalid_unit"))?;
            let user = p.filter(|p| p.role == Role::Citizen).map(|p| p.user_id);
            (unit, None, user)
        }
    };
    if !unit.kind.is_communal() || unit.valid_to.is_some() {
        return Err(DirectionError::Invalid("invalid_unit"));
    }
    let handling = crate::competence::handling_unit(state, &procedure, unit.id).await?;
    // Every required document: uploaded online, or handed in at the counter.
    let mut accepted = Vec::new();
    if uploads.len() > 20 {
        return Err(DirectionError::Invalid("too_many_files"));
    }
    for u in &uploads {
        if u.document >= procedure.documents.len() {
            return Err(DirectionError::Invalid("unknown_document"));
        }
        let a = files::accept(&u.name, u.content.len())
            .map_err(|p| DirectionError::Invalid(p.code()))?;
        accepted.push(a);
    }
    for (i, d) in procedure.documents.iter().enumerate() {
        let present = uploads.iter().any(|u| u.document == i)
            || (counter_officer.is_some() && filing.documents_handed_in.contains(&i));
        if d.required && !present {
            return Err(DirectionError::Invalid("missing_document"));
        }
    }
    let now = dieuhanh_core::time::now_us();
    let calendar = state.calendar();
    let rules = ClockRules::default();
    let appointment = dossier::appointment(&calendar, now, procedure.term, &rules)
        .map_err(|e| DirectionError::Invalid(e.code()))?;
    let day = dieuhanh_core::time::vn_date(now).unwrap_or(today());
    let agency = agency_code(&unit.code, &state.config.dossier_agency_suffix);
    let sealed_json = serde_json::to_vec(&applicant)
        .map_err(|_| DirectionError::Invalid("invalid_applicant_name"))?;
    let files: Vec<StoredFile> = uploads
        .into_iter()
        .zip(accepted)
        .map(|(u, a)| {
            let label = &procedure.documents[u.document].name;
            StoredFile {
                name: format!("{label} - {}", a.name).chars().take(200).collect(),
                content_type: a.content_type,
                content: u.content,
            }
        })
        .collect();
    let (keys, receiving) = (state.keys.clone(), unit.id);
    let identity_hash = state.keys.lookup_hash(&applicant.identity);
    let created_by = counter_officer.or(applicant_user);
    state
        .store
        .write(move |tx| {
            Box::pin(async move {
                // The code carries the receiving unit's identifier, so the day's sequence
                // is the receiving unit's too (§3), wherever competence sends the dossier.
                let sequence = dossiers::next_sequence(tx, receiving, day).await?;
                let code = dossier::format_code(
                    &agency,
                    day,
                    u32::try_from(sequence)
                        .map_err(|_| DirectionError::Invalid("code_exhausted"))?,
                )
                .map_err(|_| DirectionError::Invalid("code_exhausted"))?;
                let sealed = keys.seal(&sealed_json, &seal_context(&code));
                let item_id = dossiers::create(
                    tx,
                    &NewDossier {
                        unit_id: handling,
                        code: &code,
                        procedure_code: &procedure.code,
                        procedure_name: &procedure.name,
                        channel: if counter_officer.is_some() {
                            "counter"
                        } else {
                            "online"
                        },
                        applicant_user_id: applicant_user,
                        applicant_sealed: &sealed,
                        identity_hash: &identity_hash,
                        submitted_at_us: now,
                        received_at_us: counter_officer.map(|_| now),
                        term: procedure.term,
                        appointment,
                        fee_vnd: procedure.fee_vnd,
                        created_by,
                        full_online: procedure.online_level == "full",
                    },
                )
                .await?;
                store_files(tx, handling, item_id, &files, created_by).await?;
                Ok((item_id, code))
            })
        })
        .await
}

/// A checked file on its way into a write job, which owns what it stores.
struct StoredFile {
    name: String,
    content_type: &'static str,
    content: Vec<u8>,
}

/// Stores `files` as attachments of the work item `item_id`.
async fn store_files(
    tx: &mut dieuhanh_store::Tx,
    unit_id: i64,
    item_id: i64,
    files: &[StoredFile],
    uploaded_by: Option<i64>,
) -> Result<(), DirectionError> {
    for f in files {
        dieuhanh_store::attachments::add(
            tx,
            &NewAttachment {
                unit_id,
                owner: Owner::Item(item_id),
                file_name: &f.name,
                content_type: f.content_type,
                content: &f.content,
                uploaded_by,
            },
        )
        .await?;
    }
    Ok(())
}

/// How the principal stands to a dossier: the engine's relations, or `NotFound` when
/// they may not see it at all (another unit's officer, another applicant).
pub fn relations(principal: &Principal, d: &Dossier) -> Result<Vec<Relation>, DirectionError> {
    if principal.role == Role::Citizen {
        return if d.applicant_user_id == Some(principal.user_id) {
            Ok(vec![Relation::Applicant])
        } else {
            Err(DirectionError::NotFound)
        };
    }
    match crate::direction::work_scope(principal)? {
        Some(unit) if unit != d.unit_id => Err(DirectionError::NotFound),
        _ => Ok(workflow::relations(
            principal,
            d.unit_id,
            d.unit_id,
            d.assignee_id,
        )),
    }
}

/// A dossier the principal may see.
pub async fn visible(
    state: &AppState,
    principal: &Principal,
    item_id: i64,
) -> Result<(Dossier, Vec<Relation>), DirectionError> {
    let d = dossiers::get(&state.store, item_id).await?;
    let relations = relations(principal, &d)?;
    Ok((d, relations))
}

/// The applicant's details, opened for those who handle the dossier or the applicant;
/// reading the full identity number is audited by the caller's page.
pub fn applicant(state: &AppState, d: &Dossier) -> Option<Applicant> {
    let bytes = state
        .keys
        .open(&d.applicant_sealed, &seal_context(&d.code))?;
    serde_json::from_slice(&bytes).ok()
}

/// Records that someone read a dossier's full identity number.
pub async fn audit_identity_read(
    state: &AppState,
    principal: &Principal,
    d: &Dossier,
) -> Result<(), DirectionError> {
    let mut tx = state.store.begin().await?;
    dieuhanh_store::audit::append(
        &mut tx,
        dieuhanh_store::audit::AuditEvent {
            unit_id: d.unit_id,
            actor_id: Some(principal.user_id),
            entity: "dossier",
            entity_id: d.item_id.to_string(),
            action: "dossier.read_identity",
            summary: serde_json::json!({"code": d.code}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What someone does to a dossier.
#[derive(Debug, Clone, Default)]
pub struct DossierAction {
    pub action: String,
    /// The reason, the list of what to supplement, or the result's note.
    pub note: String,
    pub assignee: String,
    /// For a re-appointment: the new date (dd/mm/yyyy or yyyy-mm-dd).
    pub new_date: String,
}

pub async fn act(
    state: &AppState,
    principal: &Principal,
    item_id: i64,
    input: &DossierAction,
) -> Result<(), DirectionError> {
    act_with_files(state, principal, item_id, input, Vec::new()).await
}

/// Takes an action and stores the files that come with it, in one transaction.
async fn act_with_files(
    state: &AppState,
    principal: &Principal,
    item_id: i64,
    input: &DossierAction,
    files: Vec<StoredFile>,
) -> Result<(), DirectionError> {
    let (d, relations) = visible(state, principal, item_id).await?;
    let note = input.note.trim();
    if note.chars().count() > 5_000 {
        return Err(DirectionError::Invalid("invalid_note"));
    }
    let t = DOSSIER.apply(
        &d.state,
        input.action.trim(),
        &relations,
        Some(note).filter(|n| !n.is_empty()),
    )?;
    // An applicant supplements by sending what was asked (`supplement_online`), never by
    // the bare action.
    if t.action == "supplement"
        && files.is_empty()
        && !relations.iter().any(|r| *r != Relation::Applicant)
    {
        return Err(DirectionError::Invalid("missing_document"));
    }
    let now = dieuhanh_core::time::now_us();
    let today = today();
    let calendar = state.calendar();
    let rules = ClockRules::default();
    let supplements = dossiers::supplements(&state.store, d.item_id).await?;
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
    let clock_error = |e: dossier::DossierError| DirectionError::Invalid(e.code());
    let record = match t.action {
        "receive" => Some(Record::Received {
            at_us: now,
            appointment: dossier::appointment(&calendar, now, d.term, &rules)
                .map_err(clock_error)?,
        }),
        "request_supplement" => {
            // §2.4: one complete list, once.
            if !supplements.is_empty() {
                return Err(DirectionError::Invalid("supplement_once"));
            }
            Some(Record::SupplementRequested {
                at_us: now,
                reason: note.to_string(),
            })
        }
        "supplement" => Some(Record::Supplemented {
            at_us: now,
            appointment: dossier::appointment(&calendar, now, d.term, &rules)
                .map_err(clock_error)?,
        }),
        "extend" => {
            let new = dieuhanh_core::calendar::parse_date(&input.new_date)
                .ok_or(DirectionError::Invalid("invalid_due_date"))?;
            let due = current_due(&calendar, &d, &supplements)
                .ok_or(DirectionError::Invalid("not_received"))?;
            let already = dossiers::extension(&state.store, d.item_id)
                .await?
                .is_some();
            dossier::check_extension(&calendar, today, due, new, already).map_err(|e| match e {
                dossier::DossierExtensionError::Rule(r) => DirectionError::Invalid(r.code()),
                dossier::DossierExtensionError::Calendar(c) => DirectionError::Calendar(c),
            })?;
            if !calendar.is_working_day(new)? {
                return Err(DirectionError::Invalid("not_a_working_day"));
            }
            Some(Record::Extended {
                at_us: now,
                old: due,
                new,
                reason: note.to_string(),
            })
        }
        "approve" | "refuse" => {
            change.closed_on = Some(today.to_string().into());
            Some(Record::Finished {
                at_us: now,
                outcome: if t.action == "approve" {
                    "approved"
                } else {
                    "refused"
                },
                note: note.to_string(),
            })
        }
        "return_result" => Some(Record::Returned { at_us: now }),
        "withdraw" => {
            change.closed_on = Some(today.to_string().into());
            Some(Record::Withdrawn {
                at_us: now,
                note: note.to_string(),
            })
        }
        "assign" => {
            let user = dieuhanh_store::users::by_username(&state.store, input.assignee.trim())
                .await
                .map_err(|_| DirectionError::Invalid("invalid_assignee"))?;
            if user.unit_id != d.unit_id || !user.role.is_official() || user.disabled {
                return Err(DirectionError::Invalid("invalid_assignee"));
            }
            change.assignee_id = Some(user.id);
            None
        }
        _ => None,
    };
    let item = dieuhanh_store::direction::item(&state.store, d.item_id).await?;
    let (change, uploaded_by) = (change.into_owned(), principal.user_id);
    state
        .store
        .write(move |tx| {
            Box::pin(async move {
                dieuhanh_store::direction::apply(tx, &item, &change).await?;
                if let Some(r) = &record {
                    dossiers::record(tx, &d, r).await?;
                }
                store_files(tx, d.unit_id, d.item_id, &files, Some(uploaded_by)).await
            })
        })
        .await
}

/// Records the fee as paid: at the desk (cash, transfer) or by the applicant online.
pub async fn pay(
    state: &AppState,
    principal: &Principal,
    item_id: i64,
    channel: &str,
) -> Result<(), DirectionError> {
    let (d, relations) = visible(state, principal, item_id).await?;
    let allowed = match channel {
        // Online payment is recorded by a payment gateway's confirmation, which is not
        // connected yet; an applicant cannot declare their own fee paid.
        "cash" | "transfer" => relations
            .iter()
            .any(|r| matches!(r, Relation::OwnerLeader | Relation::OwnerOfficial)),
        _ => return Err(DirectionError::Invalid("invalid_fee_channel")),
    };
    if !allowed {
        return Err(DirectionError::Forbidden);
    }
    if d.fee_status != "unpaid" {
        return Err(DirectionError::Invalid("fee_not_due"));
    }
    let (channel, by) = (channel.to_string(), principal.user_id);
    state
        .store
        .write(move |tx| {
            Box::pin(async move {
                dossiers::pay(tx, &d, &channel, dieuhanh_core::time::now_us(), by).await?;
                Ok::<(), DirectionError>(())
            })
        })
        .await
}

/// The ratings of the 766 satisfaction indicator.
pub const RATINGS: [&str; 3] = ["very_satisfied", "satisfied", "unsatisfied"];

/// The applicant rates a finished dossier, once: signed in as its applicant, or by
/// giving its identity number (checked against the keyed hash, never decrypted).
pub async fn rate(
    state: &AppState,
    principal: Option<&Principal>,
    code: &str,
    identity: &str,
    rating: &str,
    comment: &str,
) -> Result<(), DirectionError> {
    let code = dossier::parse_code(code).map_err(|_| DirectionError::Invalid("invalid_code"))?;
    let d = dossiers::by_code(&state.store, &code).await?;
    let is_applicant = principal
        .is_some_and(|p| p.role == Role::Citizen && d.applicant_user_id == Some(p.user_id));
    // Everything else first, the identity last: a wrong number must not be told apart
    // from a dossier that cannot be rated.
    if !RATINGS.contains(&rating) {
        return Err(DirectionError::Invalid("invalid_rating"));
    }
    if comment.chars().count() > 2_000 {
        return Err(DirectionError::Invalid("invalid_note"));
    }
    let knows_identity = !identity.trim().is_empty() && {
        let stored = dossiers_identity_hash(state, &d).await?;
        stored == state.keys.lookup_hash(identity.trim())
    };
    if (!is_applicant && !knows_identity) || !d.rating.is_empty() {
        return Err(DirectionError::Invalid("not_the_applicant"));
    }
    if !matches!(d.state.as_str(), "finished" | "refused" | "returned") {
        return Err(DirectionError::Invalid("not_finished"));
    }
    let (rating, comment) = (rating.to_string(), comment.trim().to_string());
    let by = principal.map(|p| p.user_id);
    state
        .store
        .write(move |tx| {
            Box::pin(async move {
                dossiers::rate(tx, &d, &rating, &comment, by)
                    .await
                    .map_err(|e| match e {
                        dieuhanh_store::StoreError::Conflict(_) => {
                            DirectionError::Invalid("already_rated")
                        }
                        other => other.into(),
                    })
            })
        })
        .await
}

async fn dossiers_identity_hash(state: &AppState, d: &Dossier) -> Result<String, DirectionError> {
    Ok(dossiers::identity_hash(&state.store, d.item_id).await?)
}

/// What anyone may see of a dossier by its code: status, dates and steps, never the
/// applicant or the officers' notes.
#[derive(Debug, Clone, Serialize)]
pub struct PublicDossier {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub unit_name: String,
    pub state: String,
    pub submitted_at_us: i64,
    pub received_at_us: Option<i64>,
    pub appointment: Option<Appointment>,
    pub finished_at_us: Option<i64>,
    pub returned_at_us: Option<i64>,
    pub outcome: String,
    pub fee_vnd: i64,
    pub fee_status: String,
    pub rated: bool,
    /// (action, instant) of each step.
    pub steps: Vec<(String, i64)>,
}

pub async fn lookup(
    state: &AppState,
    code: &str,
) -> Result<(PublicDossier, Dossier), DirectionError> {
    let code = dossier::parse_code(code).map_err(|_| DirectionError::Invalid("invalid_code"))?;
    let (d, steps) = dossiers::by_code_with_steps(&state.store, &code).await?;
    let public = PublicDossier {
        code: d.code.clone(),
        procedure_code: d.procedure_code.clone(),
        procedure_name: d.procedure_name.clone(),
        unit_name: d.unit_name.clone(),
        state: d.state.clone(),
        submitted_at_us: d.submitted_at_us,
        received_at_us: d.received_at_us,
        appointment: d.appointment,
        finished_at_us: d.finished_at_us,
        returned_at_us: d.returned_at_us,
        outcome: d.outcome.clone(),
        fee_vnd: d.fee_vnd,
        fee_status: d.fee_status.clone(),
        rated: !d.rating.is_empty(),
        steps,
    };
    Ok((public, d))
}

/// The date the law holds the authority to now: the slip's appointment, restarted after a
/// completed supplementation (§2.4). `None` before reception or while waiting.
pub fn current_due(
    calendar: &dieuhanh_core::calendar::Calendar,
    d: &Dossier,
    supplements: &[dossier::Supplement],
) -> Option<jiff::civil::Date> {
    let clocked = dossier::Clocked {
        received_at_us: d.received_at_us?,
        term: d.term,
        appointment: d.appointment?,
        supplements,
        extension: None,
        finished_at_us: None,
    };
    dossier::legal_due(calendar, &clocked, &ClockRules::default())
        .ok()
        .flatten()
        .map(|a| a.date)
}

/// Whether the dossier's due date is near without a result or an apology (§2.5).
pub fn needs_apology(
    state: &AppState,
    d: &Dossier,
    supplements: &[dossier::Supplement],
    extended: bool,
) -> bool {
    let calendar = state.calendar();
    let Some(due) = current_due(&calendar, d, supplements) else {
        return false;
    };
    let finished = !matches!(d.state.as_str(), "received" | "in_progress");
    dossier::needs_apology(&calendar, today(), due, finished, extended).unwrap_or(false)
}

/// The applicant supplements online: the files asked for, then the dossier goes back to
/// the handling officer and the legal term restarts (§2.4).
pub async fn supplement_online(
    state: &AppState,
    principal: &Principal,
    code: &str,
    uploads: Vec<Upload>,
) -> Result<i64, DirectionError> {
    let code = dossier::parse_code(code).map_err(|_| DirectionError::Invalid("invalid_code"))?;
    let d = dossiers::by_code(&state.store, &code).await?;
    if !relations(principal, &d)?.contains(&Relation::Applicant) {
        return Err(DirectionError::NotFound);
    }
    if d.state != "awaiting_supplement" {
        return Err(DirectionError::Invalid("invalid_transition"));
    }
    if uploads.is_empty() {
        return Err(DirectionError::Invalid("missing_document"));
    }
    if uploads.len() > 20 {
        return Err(DirectionError::Invalid("too_many_files"));
    }
    let mut accepted = Vec::new();
    for u in uploads {
        let a = files::accept(&u.name, u.content.len())
            .map_err(|p| DirectionError::Invalid(p.code()))?;
        accepted.push(StoredFile {
            name: a.name,
            content_type: a.content_type,
            content: u.content,
        });
    }
    act_with_files(
        state,
        principal,
        d.item_id,
        &DossierAction {
            action: "supplement".into(),
            ..DossierAction::default()
        },
        accepted,
    )
    .await?;
    Ok(d.item_id)
}

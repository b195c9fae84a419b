//! Attaching files to work items and directives, and reading them back, with the same
//! scope as the records they belong to.

use crate::direction::{DirectionError, visible_item, work_scope};
use crate::state::AppState;
use dieuhanh_core::files;
use dieuhanh_core::policy::{self, Action, Principal};
use dieuhanh_store::attachments::{self, Attachment, NewAttachment, Owner};

/// Attaches a file. To an item: anyone involved in it (issuer, accountable unit,
/// assignee, co-operating unit) while it is open. To a directive: its issuing leaders.
pub async fn attach(
    state: &AppState,
    principal: &Principal,
    owner: Owner,
    name: &str,
    content: &[u8],
) -> Result<i64, DirectionError> {
    let unit_id = match owner {
        Owner::Item(id) => {
            let item = visible_item(state, principal, id).await?;
            let cooperating =
                dieuhanh_store::direction::is_cooperator(&state.store, id, principal.unit_id)
                    .await?;
            let relations = crate::direction::relations_to(principal, &item);
            if relations.is_empty() && !cooperating {
                return Err(DirectionError::Forbidden);
            }
            if item.closed_on.is_some() {
                return Err(DirectionError::Invalid("item_closed"));
            }
            item.unit_id
        }
        Owner::Directive(id) => {
            let d = dieuhanh_store::direction::directive(&state.store, id).await?;
            if !policy::allows_global(principal, Action::IssueDirective)
                || d.unit_id != principal.unit_id
            {
                return Err(DirectionError::NotFound);
            }
            d.unit_id
        }
    };
    let accepted =
        files::accept(name, content.len()).map_err(|p| DirectionError::Invalid(p.code()))?;
    let mut tx = state.store.begin().await?;
    let id = attachments::add(
        &mut tx,
        &NewAttachment {
            unit_id,
            owner,
            file_name: &accepted.name,
            content_type: accepted.content_type,
            content,
            uploaded_by: Some(principal.user_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether the principal may read a directive: its issuer's scope, or a unit that has
/// a task from it.
pub async fn may_read_directive(
    state: &AppState,
    principal: &Principal,
    directive_id: i64,
) -> Result<bool, DirectionError> {
    let scope = work_scope(principal)?;
    let d = dieuhanh_store::direction::directive(&state.store, directive_id).await?;
    Ok(match scope {
        None => true,
        Some(u) if u == d.unit_id => true,
        Some(u) => {
            dieuhanh_store::direction::unit_has_task_of(&state.store, directive_id, u).await?
        }
    })
}

/// A file the principal may read, with its content; others' files are "not found".
pub async fn read(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(Attachment, Vec<u8>), DirectionError> {
    let (meta, content) = attachments::get(&state.store, id).await?;
    let allowed = match (meta.item_id, meta.directive_id) {
        (Some(item), _) => visible_item(state, principal, item).await.is_ok(),
        (None, Some(d)) => may_read_directive(state, principal, d).await?,
        (None, None) => false,
    };
    if allowed {
        Ok((meta, content))
    } else {
        Err(DirectionError::NotFound)
    }
}

/// The files of an item or directive the principal can already see.
pub async fn list(state: &AppState, owner: Owner) -> Result<Vec<Attachment>, DirectionError> {
    Ok(attachments::list(&state.store, owner).await?)
}

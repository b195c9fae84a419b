//! Rotating the installation key: every sealed value is opened with the old key and
//! sealed again with the new one, and the keyed hashes of identity numbers are
//! recomputed, all in one transaction, so the database never holds a mix. A value the
//! old key cannot open stops the rotation and changes nothing.

use super::keys::Keys;
use dieuhanh_store::Store;
use dieuhanh_store::sealed::{self, Place};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    pub totp: usize,
    pub contacts: usize,
    pub applicants: usize,
}

fn context(place: &Place) -> String {
    match place {
        Place::Totp(id) => crate::pages::login::stored_context(*id),
        Place::Contact(_) => crate::open311::intake::CONTACT_CONTEXT.to_string(),
        Place::Applicant { code, .. } => crate::dossiers::seal_context(code),
    }
}

pub async fn rotate(store: &Store, old: &Keys, new: &Keys) -> anyhow::Result<Rotated> {
    let mut tx = store.begin().await?;
    let mut done = Rotated::default();
    for s in sealed::all(&mut tx).await? {
        let context = context(&s.place);
        let plain = old.open(&s.value, &context).ok_or_else(|| {
            anyhow::anyhow!(
                "the current key cannot open {:?}: nothing was changed",
                s.place
            )
        })?;
        let hash = match &s.place {
            Place::Applicant { .. } => {
                let a: crate::dossiers::Applicant = serde_json::from_slice(&plain)?;
                Some(new.lookup_hash(&a.identity))
            }
            _ => None,
        };
        sealed::replace(
            &mut tx,
            &s.place,
            &new.seal(&plain, &context),
            hash.as_deref(),
        )
        .await?;
        match s.place {
            Place::Totp(_) => done.totp += 1,
            Place::Contact(_) => done.contacts += 1,
            Place::Applicant { .. } => done.applicants += 1,
        }
    }
    tx.commit().await?;
    Ok(done)
}

//! Every value sealed under the installation key, for key rotation: TOTP secrets,
//! citizen-report contacts and dossier applicants (with the keyed hash of the identity
//! number beside them). Read and rewritten inside one transaction.

use crate::{Result, Tx};
use sqlx::Row;

/// Where a sealed value lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// `users.totp_secret` of a user.
    Totp(i64),
    /// `citizen_reports.contact_sealed` of an item.
    Contact(i64),
    /// `dossiers.applicant_sealed` of an item, with its dossier code (the context).
    Applicant { item_id: i64, code: String },
}

pub struct Sealed {
    pub place: Place,
    pub value: String,
}

/// Every sealed value, read inside the rotation's transaction.
pub async fn all(tx: &mut Tx) -> Result<Vec<Sealed>> {
    let mut out = Vec::new();
    for r in sqlx::query("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL")
        .fetch_all(&mut **tx)
        .await?
    {
        out.push(Sealed {
            place: Place::Totp(r.try_get("id")?),
            value: r.try_get("totp_secret")?,
        });
    }
    for r in sqlx::query(
        "SELECT item_id, contact_sealed FROM citizen_reports WHERE contact_sealed IS NOT NULL",
    )
    .fetch_all(&mut **tx)
    .await?
    {
        out.push(Sealed {
            place: Place::Contact(r.try_get("item_id")?),
            value: r.try_get("contact_sealed")?,
        });
    }
    for r in sqlx::query("SELECT item_id, code, applicant_sealed FROM dossiers")
        .fetch_all(&mut **tx)
        .await?
    {
        out.push(Sealed {
            place: Place::Applicant {
                item_id: r.try_get("item_id")?,
                code: r.try_get("code")?,
            },
            value: r.try_get("applicant_sealed")?,
        });
    }
    Ok(out)
}

/// Replaces a sealed value (and, for an applicant, the identity hash).
pub async fn replace(tx: &mut Tx, place: &Place, value: &str, hash: Option<&str>) -> Result<()> {
    match place {
        Place::Totp(id) => {
            sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
                .bind(value)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Place::Contact(id) => {
            sqlx::query("UPDATE citizen_reports SET contact_sealed = $1 WHERE item_id = $2")
                .bind(value)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        Place::Applicant { item_id, .. } => {
            sqlx::query(
                "UPDATE dossiers SET applicant_sealed = $1, identity_hash = COALESCE($2, identity_hash) WHERE item_id = $3",
            )
            .bind(value)
            .bind(hash)
            .bind(item_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

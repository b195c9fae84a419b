//! People: officials of a unit and citizens. Every change is audited in the same
//! transaction.

use crate::audit::{AuditEvent, append};
use crate::filter::{Filter, Value};
use crate::local_reads::{Columns, Param};
use crate::{Result, Store, StoreError, Tx, flag};
use dieuhanh_core::paging::Page;
use dieuhanh_core::policy::{Role, Scope};
use dieuhanh_core::text::{fold, like_escape};
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub unit_id: i64,
    pub username: String,
    pub full_name: String,
    pub title: Option<String>,
    pub role: Role,
    pub password_hash: String,
    /// Encrypted TOTP secret, when enrolled.
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub disabled: bool,
    pub created_at_us: i64,
    /// Where notifications are e-mailed, if the person gave an address.
    pub email: Option<String>,
}

/// What lists show about a person.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Person {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub title: Option<String>,
    pub role: Role,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub totp_enabled: bool,
    pub disabled: bool,
}

const COLUMNS: &str = "id, unit_id, username, full_name, title, role, password_hash, totp_secret, totp_last_step, disabled, created_at_us, email";

fn role(r: Columns<'_>) -> Result<Role> {
    let role: String = r.get("role")?;
    Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {role}")))
}

fn user<'a>(r: impl Into<Columns<'a>>) -> Result<User> {
    let r = r.into();
    Ok(User {
        id: r.get("id")?,
        unit_id: r.get("unit_id")?,
        username: r.get("username")?,
        full_name: r.get("full_name")?,
        title: r.get("title")?,
        role: role(r)?,
        password_hash: r.get("password_hash")?,
        totp_secret: r.get("totp_secret")?,
        totp_last_step: r.get("totp_last_step")?,
        disabled: flag(r.get("disabled")?),
        created_at_us: r.get("created_at_us")?,
        email: r.get("email")?,
    })
}

pub struct NewUser<'a> {
    pub unit_id: i64,
    pub username: &'a str,
    pub full_name: &'a str,
    pub title: Option<&'a str>,
    pub role: Role,
    pub password_hash: &'a str,
}

pub async fn create(tx: &mut Tx, new: &NewUser<'_>, actor: Option<i64>) -> Result<i64> {
    let now = dieuhanh_core::time::now_us();
    let id: i64 = sqlx::query(
        "INSERT INTO users (unit_id, username, full_name, full_name_folded, title, role, password_hash, created_at_us, updated_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(new.unit_id)
    .bind(new.username)
    .bind(new.full_name)
    .bind(fold(new.full_name))
    .bind(new.title)
    .bind(new.role.as_str())
    .bind(new.password_hash)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| StoreError::from_insert(e, &format!("user {}", new.username)))?
    .try_get("id")?;
    append(
        tx,
        AuditEvent {
            unit_id: new.unit_id,
            actor_id: actor,
            entity: "user",
            entity_id: id.to_string(),
            action: "user.create",
            summary: json!({"after": {"username": new.username, "full_name": new.full_name, "role": new.role.as_str()}}),
        },
    )
    .await?;
    Ok(id)
}

pub async fn by_username(store: &Store, username: &str) -> Result<User> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(username)
        .fetch_optional(store.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    user(&row)
}

/// A person by id (a point read: every signed-in request asks).
pub async fn by_id(store: &Store, id: i64) -> Result<User> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    store
        .point_read_one(&sql, &[Param::Int(id)], |r| user(r))
        .await?
        .ok_or(StoreError::NotFound)
}

/// Filters for the people list.
#[derive(Debug, Clone, Default)]
pub struct PeopleQuery {
    pub text: Option<String>,
    pub unit_id: Option<i64>,
}

/// People visible in `scope`, matched without diacritics on name or username.
pub async fn search(
    store: &Store,
    scope: &Scope,
    query: &PeopleQuery,
    page: Page,
) -> Result<(Vec<Person>, i64)> {
    let mut f = Filter::default();
    match scope {
        Scope::All => {}
        Scope::Unit(u) => {
            f.and("p.unit_id = {0}", vec![Value::Int(*u)]);
        }
        Scope::OwnActions(_) | Scope::Nothing => return Ok((Vec::new(), 0)),
    }
    if let Some(u) = query.unit_id {
        f.and("p.unit_id = {0}", vec![Value::Int(u)]);
    }
    if let Some(text) = query.text.as_deref().map(fold).filter(|t| !t.is_empty()) {
        let pattern = Value::Text(format!("%{}%", like_escape(&text)));
        f.and(
            "(p.full_name_folded LIKE {0} ESCAPE '\\' OR p.username LIKE {0} ESCAPE '\\')",
            vec![pattern],
        );
    }
    let columns = "p.id, p.username, p.full_name, p.title, p.role, p.unit_id, p.totp_secret, p.disabled, \
                   u.code AS unit_code, u.name AS unit_name";
    let from = "users p JOIN units u ON u.id = p.unit_id";
    let (rows, total) = f
        .page(store, columns, from, "p.full_name_folded, p.id", page)
        .await?;
    let people = rows
        .iter()
        .map(|r| {
            Ok(Person {
                id: r.try_get("id")?,
                username: r.try_get("username")?,
                full_name: r.try_get("full_name")?,
                title: r.try_get("title")?,
                role: role(r.into())?,
                unit_id: r.try_get("unit_id")?,
                unit_code: r.try_get("unit_code")?,
                unit_name: r.try_get("unit_name")?,
                totp_enabled: r.try_get::<Option<String>, _>("totp_secret")?.is_some(),
                disabled: flag(r.try_get("disabled")?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((people, total))
}

async fn audit_user(
    tx: &mut Tx,
    u: &User,
    actor: Option<i64>,
    action: &str,
    summary: serde_json::Value,
) -> Result<()> {
    append(
        tx,
        AuditEvent {
            unit_id: u.unit_id,
            actor_id: actor,
            entity: "user",
            entity_id: u.id.to_string(),
            action,
            summary,
        },
    )
    .await?;
    Ok(())
}

async fn exec_user_update(
    tx: &mut Tx,
    sql: &'static str,
    value: Option<String>,
    user_id: i64,
) -> Result<()> {
    let done = sqlx::query(sql)
        .bind(value)
        .bind(dieuhanh_core::time::now_us())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn set_password(tx: &mut Tx, u: &User, hash: &str, actor: Option<i64>) -> Result<()> {
    exec_user_update(
        tx,
        "UPDATE users SET password_hash = $1, updated_at_us = $2 WHERE id = $3",
        Some(hash.to_string()),
        u.id,
    )
    .await?;
    // A new password ends every API token issued under the old one.
    crate::tokens::revoke_for_user(tx, u.id).await?;
    let action = if actor == Some(u.id) {
        "user.change_password"
    } else {
        "user.reset_password"
    };
    audit_user(tx, u, actor, action, json!({})).await
}

/// Sets (Some) or removes (None) the address notifications are e-mailed to.
pub async fn set_email(
    tx: &mut Tx,
    u: &User,
    email: Option<&str>,
    actor: Option<i64>,
) -> Result<()> {
    exec_user_update(
        tx,
        "UPDATE users SET email = $1, updated_at_us = $2 WHERE id = $3",
        email.map(str::to_string),
        u.id,
    )
    .await?;
    audit_user(
        tx,
        u,
        actor,
        "user.set_email",
        json!({"before": {"email": u.email}, "after": {"email": email}}),
    )
    .await
}

/// Enrols (Some) or removes (None) the encrypted TOTP secret.
pub async fn set_totp(
    tx: &mut Tx,
    u: &User,
    secret: Option<&str>,
    actor: Option<i64>,
) -> Result<()> {
    exec_user_update(
        tx,
        "UPDATE users SET totp_secret = $1, totp_last_step = NULL, updated_at_us = $2 WHERE id = $3",
        secret.map(str::to_string),
        u.id,
    )
    .await?;
    let action = if secret.is_some() {
        "user.totp_enrol"
    } else {
        "user.totp_remove"
    };
    audit_user(
        tx,
        u,
        actor,
        action,
        json!({"before": {"totp": u.totp_secret.is_some()}, "after": {"totp": secret.is_some()}}),
    )
    .await
}

/// Records the last accepted TOTP time step, refusing replays atomically: returns false
/// if a code of this or a later step was already used.
pub async fn accept_totp_step(tx: &mut Tx, user_id: i64, step: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_disabled(tx: &mut Tx, u: &User, disabled: bool, actor: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE users SET disabled = $1, updated_at_us = $2 WHERE id = $3")
        .bind(i64::from(disabled))
        .bind(dieuhanh_core::time::now_us())
        .bind(u.id)
        .execute(&mut **tx)
        .await?;
    if disabled {
        crate::sessions::delete_for_user(tx, u.id).await?;
        crate::tokens::revoke_for_user(tx, u.id).await?;
    }
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit_user(
        tx,
        u,
        actor,
        action,
        json!({"before": {"disabled": u.disabled}, "after": {"disabled": disabled}}),
    )
    .await
}

/// The active officials of a unit.
pub async fn active_officials(store: &Store, unit_id: i64) -> Result<Vec<User>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE unit_id = $1 AND disabled = 0 AND role <> 'citizen' ORDER BY id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(unit_id)
        .fetch_all(store.reader())
        .await?;
    rows.iter().map(user).collect()
}

pub async fn count(store: &Store) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?)
}

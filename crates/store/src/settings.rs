//! Small key/value settings of an installation (its province, whether it is a demo).

use crate::{Result, Store, Tx};
use sqlx::Row;

pub const PROVINCE: &str = "province_code";
pub const DEMO: &str = "demo";

pub async fn get(store: &Store, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(store.reader())
        .await?;
    Ok(row.map(|r| r.try_get::<String, _>("value")).transpose()?)
}

pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

//! Configuration: built-in defaults, then an optional TOML file, then `DIEUHANH_*`
//! environment variables, then command-line flags (highest precedence).

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Serialize, Deserialize)]
pub struct Settings {
    /// `sqlite:PATH` (created if missing) or `postgres://...`.
    pub database_url: String,
    /// Where to listen.
    pub addr: String,
    /// 64 hex characters; derived keys protect CSRF tokens and TOTP secrets. When unset
    /// for SQLite, a key file beside the database is created and used.
    pub secret_key: Option<String>,
    /// A file holding the secret key (alternative to `secret_key`).
    pub secret_key_file: Option<PathBuf>,
    /// Cookies `Secure` + HSTS: set when a TLS proxy is in front.
    pub tls: bool,
    pub session_idle_minutes: u64,
    pub session_absolute_hours: u64,
    pub api_token_hours: u64,
    pub login_attempts_per_minute: u32,
    pub metrics_token: Option<String>,
    /// Header set by a trusted reverse proxy to the client's address (`x-forwarded-for`).
    pub client_ip_header: Option<String>,
    /// `json` or `text`; default: text on a terminal, JSON otherwise.
    pub log_format: Option<String>,
    /// SMTP server for notification mails (`smtp://host:25`, `smtps://user:pass@host`,
    /// `smtp://user:pass@host:587?tls=required`); without one, mails wait in the
    /// administrators' outbox.
    pub smtp_url: Option<String>,
    /// Sender of notification mails.
    pub mail_from: String,
    /// The address people reach the product at, for links in mails.
    pub public_url: Option<String>,
    /// Working days before a deadline on which reminders go out: `"3,1"`, `[3, 1]` or
    /// a single number.
    pub reminder_days: ReminderDays,
    /// The `jurisdiction_id` the Open311 endpoint answers to.
    pub open311_jurisdiction: String,
    /// Reports one Open311 API key may send per minute.
    pub open311_posts_per_minute: u32,
    /// What one client address may write without signing in, per minute.
    pub public_posts_per_minute: u32,
    /// The last group (`MX1X2`) of the agency identifier in dossier codes; HCMC's
    /// official identifiers are not in our sources, so this is a placeholder to set.
    pub dossier_agency_suffix: String,
}

/// The reminder days as a file or the environment may write them.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ReminderDays {
    One(u32),
    List(Vec<u32>),
    Text(String),
}

impl ReminderDays {
    pub fn as_text(&self) -> String {
        match self {
            ReminderDays::One(d) => d.to_string(),
            ReminderDays::List(days) => days
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
            ReminderDays::Text(t) => t.clone(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field(
                "database_url",
                &dieuhanh_store::redact_url(&self.database_url),
            )
            .field("addr", &self.addr)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("secret_key_file", &self.secret_key_file)
            .field("tls", &self.tls)
            .field(
                "smtp_url",
                &self.smtp_url.as_deref().map(dieuhanh_store::redact_url),
            )
            .field("mail_from", &self.mail_from)
            .field("reminder_days", &self.reminder_days)
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_DB: &str = "dieuhanh-data/dieuhanh.db";
pub const DEFAULT_DEMO_DB: &str = "dieuhanh-data/demo.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: sqlite_url(Path::new(DEFAULT_DB)),
            addr: DEFAULT_ADDR.into(),
            secret_key: None,
            secret_key_file: None,
            tls: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            api_token_hours: 24,
            login_attempts_per_minute: 5,
            metrics_token: None,
            client_ip_header: None,
            log_format: None,
            smtp_url: None,
            mail_from: "Điều hành <no-reply@localhost>".into(),
            public_url: None,
            reminder_days: ReminderDays::List(vec![3, 1]),
            open311_jurisdiction: "hochiminhcity.gov.vn".into(),
            open311_posts_per_minute: 60,
            public_posts_per_minute: 10,
            dossier_agency_suffix: "A00".into(),
        }
    }
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Flags that override everything else, when given.
#[derive(Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
}

pub fn load(
    file: Option<&Path>,
    defaults: Settings,
    overrides: Overrides,
) -> anyhow::Result<Settings> {
    let mut figment = Figment::from(Serialized::defaults(defaults));
    if let Some(file) = file {
        if !file.exists() {
            anyhow::bail!("configuration file {} does not exist", file.display());
        }
        figment = figment.merge(Toml::file(file));
    }
    let settings: Settings = figment
        .merge(Env::prefixed("DIEUHANH_").split("__"))
        .merge(Serialized::defaults(overrides))
        .extract()?;
    Ok(settings)
}

/// The sqlite file path of a `sqlite:` URL, if it is one.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The master key: from the setting, the key file, or (SQLite only) a key file created
/// beside the database with owner-only permissions.
pub fn master_key(settings: &Settings) -> anyhow::Result<[u8; 32]> {
    if let Some(hex_key) = &settings.secret_key {
        return parse_key(hex_key.trim());
    }
    let file = match (
        &settings.secret_key_file,
        sqlite_path(&settings.database_url),
    ) {
        (Some(f), _) => f.clone(),
        (None, Some(db)) => db.with_extension("key"),
        (None, None) => anyhow::bail!(
            "set DIEUHANH_SECRET_KEY (64 hex characters) or DIEUHANH_SECRET_KEY_FILE for a PostgreSQL installation"
        ),
    };
    if file.exists() {
        return parse_key(std::fs::read_to_string(&file)?.trim());
    }
    let key: [u8; 32] = rand::random();
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    write_private(&file, &hex::encode(key))?;
    tracing::info!(path = %file.display(), "created a new secret key file");
    Ok(key)
}

fn parse_key(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text)
        .map_err(|_| anyhow::anyhow!("the secret key must be 64 hex characters"))?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("the secret key must be 64 hex characters (32 bytes)"))
}

/// Writes a new installation key to `path` (which must not exist, readable by the owner
/// only, synced) and returns it.
pub fn new_key_file(path: &Path) -> anyhow::Result<[u8; 32]> {
    let key: [u8; 32] = rand::random();
    write_private(path, &hex::encode(key))
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_read_from_urls() {
        assert_eq!(
            sqlite_path("sqlite://data/x.db?mode=rwc"),
            Some(PathBuf::from("data/x.db"))
        );
        assert_eq!(sqlite_path("sqlite:x.db"), Some(PathBuf::from("x.db")));
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }

    #[test]
    fn flags_override_environment_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dieuhanh.toml");
        std::fs::write(
            &file,
            "addr = \"127.0.0.1:9000\"\nsession_idle_minutes = 5\n",
        )
        .unwrap();
        let s = load(Some(&file), Settings::default(), Overrides::default()).unwrap();
        assert_eq!(s.addr, "127.0.0.1:9000");
        assert_eq!(s.session_idle_minutes, 5);
        let s = load(
            Some(&file),
            Settings::default(),
            Overrides {
                addr: Some("127.0.0.1:9100".into()),
                database_url: None,
            },
        )
        .unwrap();
        assert_eq!(s.addr, "127.0.0.1:9100");
        assert!(
            load(
                Some(&dir.path().join("missing.toml")),
                Settings::default(),
                Overrides::default()
            )
            .is_err()
        );
    }
}

//! What every handler can reach: the store, boundaries, keys and settings.

use crate::security::keys::Keys;
use crate::security::passwords::PasswordHashing;
use crate::security::throttle::LoginThrottle;
use dieuhanh_core::calendar::Calendar;
use dieuhanh_core::geography::{BoundaryIndex, MapGeometry};
use dieuhanh_store::Store;
use std::sync::Arc;
use std::time::Duration;

/// Settings of the HTTP edge.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Demo installations relax the TOTP requirement for privileged roles.
    pub demo: bool,
    /// Mark cookies `Secure` and send HSTS (set when served behind TLS).
    pub tls: bool,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    pub api_token_ttl: Duration,
    /// Login attempts allowed per account per minute.
    pub login_attempts_per_minute: u32,
    /// Bearer token for `/metrics`; without one only loopback clients may scrape.
    pub metrics_token: Option<String>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Header a trusted reverse proxy sets to the client's address (e.g.
    /// `x-forwarded-for`); unset when clients connect directly.
    pub client_ip_header: Option<String>,
    /// Working days before a deadline on which reminders go out.
    pub reminder_days: Vec<u32>,
    /// Where notification mails go (SMTP or the outbox).
    pub mailer: crate::mail::Mailer,
    /// The `jurisdiction_id` the Open311 endpoint answers to.
    pub open311_jurisdiction: String,
    /// Reports one Open311 key may send per minute.
    pub open311_posts_per_minute: u32,
    /// What one client address may write without signing in, per minute: online filings
    /// and ratings proved by an identity number.
    pub public_posts_per_minute: u32,
    /// The last group of the agency identifier in dossier codes (see
    /// [`crate::dossiers::agency_code`]).
    pub dossier_agency_suffix: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            demo: false,
            tls: false,
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            api_token_ttl: Duration::from_secs(24 * 3600),
            login_attempts_per_minute: 5,
            metrics_token: None,
            max_body_bytes: 1024 * 1024,
            client_ip_header: None,
            reminder_days: crate::reminders::DEFAULT_REMINDER_DAYS.to_vec(),
            mailer: crate::mail::Mailer::outbox_only("http://127.0.0.1:8080"),
            open311_jurisdiction: crate::open311::DEFAULT_JURISDICTION.to_string(),
            dossier_agency_suffix: "A00".to_string(),
            open311_posts_per_minute: 60,
            public_posts_per_minute: 10,
        }
    }
}

/// Boundaries loaded from the store, with the map drawn once at start-up.
pub struct Geography {
    pub index: BoundaryIndex,
    pub map: MapGeometry,
}

impl AppState {
    /// The state of a server built from its parts (see `build_state`).
    pub fn new(inner: AppStateInner) -> AppState {
        AppState(Arc::new(inner))
    }

    /// The calendar as it is now.
    pub fn calendar(&self) -> Arc<Calendar> {
        match self.calendar.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Re-reads the calendar from the store after a change.
    pub async fn reload_calendar(&self) -> Result<(), dieuhanh_store::StoreError> {
        let fresh = Arc::new(dieuhanh_store::calendar::load(&self.store).await?);
        match self.calendar.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}

/// What every handler can reach, shared: axum clones the state for each request (and
/// each middleware layer), so a clone is one reference count, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

/// The parts of the state, behind the one `Arc`.
pub struct AppStateInner {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub keys: Arc<Keys>,
    pub passwords: PasswordHashing,
    pub throttle: LoginThrottle,
    /// Open311 POSTs per integrator key.
    pub key_throttle: crate::security::throttle::KeyThrottle,
    /// Online filings and ratings by identity number, per address, when not signed in.
    pub public_throttle: crate::security::throttle::AddressThrottle,
    pub geography: Option<Arc<Geography>>,
    /// The working-day calendar every deadline is computed with; replaced whole when an
    /// administrator enters a year's notice.
    pub calendar: Arc<std::sync::RwLock<Arc<Calendar>>>,
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
}

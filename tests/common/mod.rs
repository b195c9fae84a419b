//! The test harness: every test starts its own app on port 0 with its own database,
//! SQLite by default or PostgreSQL when `DIEUHANH_TEST_DATABASE=postgres`, and talks to
//! it over HTTP like a user would.
#![allow(dead_code)]

use dieuhanh_store::{Store, seed};
use dieuhanh_web::security::passwords::PasswordHashing;
use dieuhanh_web::state::WebConfig;
use reqwest::redirect::Policy;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const PASSWORD: &str = seed::DEMO_PASSWORD;
pub const MASTER_KEY: [u8; 32] = [42; 32];

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Keeps a test database alive; dropping it removes the database.
pub enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub database_url: String,
    /// The server's state, for checks that look behind the HTTP interface.
    pub state: dieuhanh_web::state::AppState,
    backend: Backend,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

pub fn postgres_requested() -> bool {
    std::env::var("DIEUHANH_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

fn postgres_admin_url() -> String {
    std::env::var("DIEUHANH_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh, empty database of the selected backend.
pub async fn fresh_database() -> (String, Backend) {
    if postgres_requested() {
        let admin_url = postgres_admin_url();
        let name = format!(
            "dh_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            hex::encode(rand::random::<[u8; 3]>())
        );
        let admin = Store::connect(&admin_url)
            .await
            .expect("PostgreSQL test server reachable");
        admin
            .execute_admin(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(admin_url.clone());
        (
            format!("{base}/{name}"),
            Backend::Postgres { admin_url, name },
        )
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        (url, Backend::Sqlite(dir))
    }
}

pub struct Options {
    pub demo: bool,
    pub config: WebConfig,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            demo: true,
            config: WebConfig {
                login_attempts_per_minute: 1000,
                public_posts_per_minute: 1000,
                ..WebConfig::default()
            },
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        let (database_url, backend) = fresh_database().await;
        let store = Store::connect(&database_url).await.expect("connect");
        store.migrate().await.expect("migrate");
        seed::init_province(&store, "79", |_, _| {})
            .await
            .expect("init province");
        let passwords = PasswordHashing::for_tests();
        let hash = passwords.hash(PASSWORD).await.expect("hash");
        seed::seed_demo_people(&store, &hash, |_, _| {})
            .await
            .expect("seed people");
        let config = WebConfig {
            demo: options.demo,
            ..options.config
        };
        let state = dieuhanh_web::build_state(store.clone(), config, &MASTER_KEY, passwords)
            .await
            .expect("state");
        let kept = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = dieuhanh_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            base,
            store,
            database_url,
            state: kept,
            backend,
            shutdown: Some(tx),
        }
    }

    /// The dossier statistics read from the tallies equal those found by classifying
    /// every dossier, for the months, quarters and year around today.
    pub async fn assert_statistics_tallied(&self) {
        use dieuhanh_web::statistics::{compute, parse_period, recount};
        let today = dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us()).unwrap();
        let mut keys = vec![format!("{}-Y", today.year())];
        for back in 0..4 {
            let d = today.checked_sub(jiff::Span::new().months(back)).unwrap();
            keys.push(format!("{}-M{:02}", d.year(), d.month()));
            keys.push(format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1));
        }
        for key in keys {
            let period = parse_period(&key).unwrap_or_else(|| panic!("period {key}"));
            let tallied = compute(&self.state, &period).await.unwrap();
            let counted = recount(&self.state, &period).await.unwrap();
            assert_eq!(
                serde_json::to_value(&tallied).unwrap(),
                serde_json::to_value(&counted).unwrap(),
                "{key}"
            );
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let r = client.get(self.url(path)).send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.text().await.unwrap_or_default())
    }

    /// The CSRF token rendered in a page's forms.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let (_, html) = self.get(client, path).await;
        extract_csrf(&html).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// Submits a form the way a browser does after loading `page`.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(client, page).await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &token));
        client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .expect("post")
    }

    /// A browser signed in as `username` (demo password).
    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = self.browser();
        let r = self
            .post_form(
                &client,
                "/login",
                "/login",
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status().as_u16(),
            303,
            "login of {username} should redirect"
        );
        client
    }

    /// A bearer token for `username`.
    pub async fn token(&self, username: &str) -> String {
        let r = reqwest::Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status().as_u16(), 200, "API login of {username}");
        let body: serde_json::Value = r.json().await.expect("json");
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn api_get(&self, token: Option<&str>, path: &str) -> (u16, serde_json::Value) {
        let mut req = reqwest::Client::new().get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }

    /// POSTs JSON with a bearer token; answers the status and the JSON body.
    pub async fn api_post(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let r = reqwest::Client::new()
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// PUTs JSON with a bearer token; answers the status and the JSON body (null when empty).
    pub async fn api_put(
        &self,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let r = reqwest::Client::new()
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Number of audit entries (to prove a rejected request changed nothing).
    pub async fn audit_count(&self) -> i64 {
        self.store.count_rows("audit_log").await.expect("count")
    }

    pub async fn users_count(&self) -> i64 {
        self.store.count_rows("users").await.expect("count")
    }
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Backend::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Dropping a database needs async I/O; do it on a runtime of its own. The
            // app's own pool lives on the test's runtime, which is blocked here, so it is
            // not closed politely: FORCE ends its connections.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    if let Ok(admin) = Store::connect(&admin_url).await {
                        let _ = admin
                            .execute_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A date relative to today in Vietnam, `YYYY-MM-DD`: tests must not depend on the day
/// they run.
pub fn day(offset: i64) -> String {
    let today = dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us()).expect("clock");
    today
        .checked_add(jiff::Span::new().days(offset))
        .expect("date")
        .to_string()
}

/// The same as `day`, written dd/mm/yyyy as people type it.
pub fn vn_day(offset: i64) -> String {
    let iso = day(offset);
    format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[0..4])
}

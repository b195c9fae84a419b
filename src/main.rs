//! `dieuhanh`: the single binary. Commands for people trying it (`demo`), operators
//! (`serve`, `migrate`, `init`, `user`, `audit`, `backup`).

mod bench;
mod bench_city;
mod calendar_cli;
mod config;
mod generate;
mod open311_cli;
mod progress;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use config::{Overrides, Settings, sqlite_url};
use dieuhanh_core::policy::Role;
use dieuhanh_store::{Store, seed, settings, units, users};
use dieuhanh_web::security::passwords::PasswordHashing;
use dieuhanh_web::state::WebConfig;
use progress::Progress;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "dieuhanh",
    version,
    about = "Direction and public services for a two-tier Vietnamese local government"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// Database URL: sqlite://PATH?mode=rwc or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "DIEUHANH_DATABASE_URL")]
    database_url: Option<String>,
    /// Shorthand for a SQLite database file.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        conflicts_with = "database_url"
    )]
    db: Option<PathBuf>,
    /// Optional TOML configuration file.
    #[arg(long, global = true, env = "DIEUHANH_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Time seeding, unit search, point lookup, login and the staffing matching on a
    /// fresh database.
    Run {
        /// Requests per scenario.
        #[arg(long, default_value_t = 2000)]
        iterations: usize,
        /// Concurrent clients in the city scenarios (write path, lookup, Open311).
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// Run only these scenarios (comma-separated), e.g. to profile one of them.
        #[arg(long, value_enum, value_delimiter = ',')]
        only: Vec<bench::Scenario>,
    },
    /// Build a deterministic city workload into a fresh database (`--db` or
    /// `--database-url`): the 168 units, officials, the procedure catalogue and dossiers
    /// at the city's real volume.
    Generate {
        #[arg(long, value_enum, default_value = "small")]
        scale: generate::Scale,
        /// Seed of the generator: the same seed gives the same city.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Create (or reuse) a demo database with the real organisation of Ho Chi Minh City
    /// and demo accounts, print the URL and accounts, and serve.
    Demo {
        /// Address to listen on.
        #[arg(long, env = "DIEUHANH_ADDR")]
        addr: Option<String>,
    },
    /// Serve an initialised database.
    Serve {
        #[arg(long, env = "DIEUHANH_ADDR")]
        addr: Option<String>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load a province's organisation from the national list (HCMC, 79, by default).
    Init {
        #[arg(long, default_value = "79")]
        province: String,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The working-day calendar (holiday notices).
    #[command(subcommand)]
    Calendar(calendar_cli::CalendarCommand),
    /// Open the current period's report obligations and send due reminders and escalations
    /// now (the server also does it every minute).
    Reminders,
    /// Rotate the installation key: write a new key file, then re-seal every sealed
    /// value (TOTP secrets, reporters' contacts, dossier applicants) and recompute
    /// identity hashes in one transaction. Point `secret_key_file` at the new file and
    /// restart.
    RotateKey {
        /// Where to write the new key (must not exist).
        #[arg(long)]
        new_key_file: PathBuf,
    },
    /// Open311 GeoReport v2: integrators' API keys.
    #[command(subcommand)]
    Open311(open311_cli::Open311Command),
    /// Benchmarks: build a city's workload (`generate`) and time the scenarios (`run`).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write a consistent copy of a SQLite database while the server runs.
    Backup {
        /// Target file (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from DIEUHANH_NEW_PASSWORD or generated and printed.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        /// system_admin, city_leader, department_officer, unit_leader, unit_officer or citizen.
        #[arg(long)]
        role: String,
        /// Unit code (e.g. 79, so-tai-chinh, 26743).
        #[arg(long, default_value = "79")]
        unit: String,
        #[arg(long)]
        title: Option<String>,
    },
    /// List accounts.
    List,
    /// Disable an account and end its sessions and tokens.
    Disable { username: String },
    /// Set a new password (from DIEUHANH_NEW_PASSWORD, or generated and printed).
    ResetPassword { username: String },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every unit's hash chain; exits 1 naming the first broken entry.
    Verify {
        /// Also check that the heads recorded in this anchor file are still in the chains.
        #[arg(long)]
        anchor: Option<PathBuf>,
    },
    /// Write the current head of every chain, authenticated with the installation key,
    /// to a file kept outside the database (detects a complete rewrite later).
    Anchor {
        /// Target file (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn settings(global: &Global, demo: bool, addr: Option<String>) -> anyhow::Result<Settings> {
    let mut defaults = Settings::default();
    if demo {
        defaults.database_url = sqlite_url(std::path::Path::new(config::DEFAULT_DEMO_DB));
    }
    let database_url = global
        .database_url
        .clone()
        .or_else(|| global.db.as_deref().map(sqlite_url));
    let s = config::load(
        global.config.as_deref(),
        defaults,
        Overrides { database_url, addr },
    )?;
    init_logging(s.log_format.as_deref());
    Ok(s)
}

fn init_logging(format: Option<&str>) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("DIEUHANH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let json = match format {
        Some("json") => true,
        Some(_) => false,
        None => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    if let Some(path) = config::sqlite_path(&settings.database_url)
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let store = Store::connect(&settings.database_url)
        .await
        .with_context(|| {
            format!(
                "cannot open database {}",
                dieuhanh_store::redact_url(&settings.database_url)
            )
        })?;
    store.migrate().await.context("migrations failed")?;
    Ok(store)
}

async fn init_province(store: &Store, province: &str) -> anyhow::Result<usize> {
    let mut bar = Progress::new("units");
    let n = seed::init_province(store, province, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await?;
    bar.finish_and_clear();
    Ok(n)
}

/// Where notification mails go, from the settings (a bad SMTP URL or sender stops the
/// start with a clear message rather than losing mails later).
fn mailer(s: &Settings) -> anyhow::Result<dieuhanh_web::mail::Mailer> {
    let public_url = s
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", s.addr));
    Ok(dieuhanh_web::mail::Mailer::new(
        s.smtp_url.as_deref(),
        &s.mail_from,
        &public_url,
    )?)
}

fn reminder_days(s: &Settings) -> anyhow::Result<Vec<u32>> {
    let text = s.reminder_days.as_text();
    dieuhanh_web::reminders::parse_days(&text).with_context(|| {
        format!(
            "reminder_days must list 1 to 5 numbers of working days from 1 to 60, e.g. \"3,1\" (got {text:?})"
        )
    })
}

fn web_config(s: &Settings, demo: bool) -> anyhow::Result<WebConfig> {
    Ok(WebConfig {
        demo,
        tls: s.tls,
        session_idle: Duration::from_secs(s.session_idle_minutes * 60),
        session_absolute: Duration::from_secs(s.session_absolute_hours * 3600),
        api_token_ttl: Duration::from_secs(s.api_token_hours * 3600),
        login_attempts_per_minute: s.login_attempts_per_minute,
        metrics_token: s.metrics_token.clone(),
        client_ip_header: s.client_ip_header.clone(),
        reminder_days: reminder_days(s)?,
        mailer: mailer(s)?,
        open311_jurisdiction: s.open311_jurisdiction.clone(),
        open311_posts_per_minute: s.open311_posts_per_minute,
        public_posts_per_minute: s.public_posts_per_minute,
        dossier_agency_suffix: s.dossier_agency_suffix.clone(),
        ..WebConfig::default()
    })
}

async fn serve(settings: &Settings, store: Store, demo: bool) -> anyhow::Result<()> {
    let key = config::master_key(settings)?;
    let state = dieuhanh_web::build_state(
        store,
        web_config(settings, demo)?,
        &key,
        PasswordHashing::standard(),
    )
    .await?;
    let listener = tokio::net::TcpListener::bind(&settings.addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (use --addr or DIEUHANH_ADDR)",
                settings.addr
            )
        })?;
    let local = listener.local_addr()?;
    println!("dieuhanh is serving on http://{local}/  (Ctrl+C to stop)");
    tracing::info!(addr = %local, database = state.store.dialect().name(), "serving");
    dieuhanh_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

fn new_password() -> String {
    std::env::var("DIEUHANH_NEW_PASSWORD").unwrap_or_else(|_| {
        let generated = hex::encode(rand::random::<[u8; 9]>());
        println!("generated password: {generated}");
        generated
    })
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Demo { addr } => {
            let s = settings(&cli.global, true, addr)?;
            let store = open(&s).await?;
            if seed::is_initialised(&store).await?.is_none() {
                let started = std::time::Instant::now();
                println!(
                    "Creating the demo database (Ho Chi Minh City: 168 units, 16 departments)…"
                );
                init_province(&store, "79").await?;
                let hash = PasswordHashing::standard()
                    .hash(seed::DEMO_PASSWORD)
                    .await?;
                let mut bar = Progress::new("people");
                seed::seed_demo_people(&store, &hash, |done, total| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                })
                .await?;
                bar.finish_and_clear();
                let today = dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us())
                    .context("the clock is out of range")?;
                let tasks = seed::seed_demo_direction(&store, today).await?;
                let visits = seed::seed_demo_visits(&store, today).await?;
                let obstacles = seed::seed_demo_obstacles(&store, today).await?;
                let reports =
                    dieuhanh_store::seed_reports::seed_demo_reports(&store, today).await?;
                seed::seed_demo_open311_key(&store).await?;
                dieuhanh_store::seed_services::ensure_catalogue(&store).await?;
                let citizen =
                    dieuhanh_store::seed_services::seed_demo_citizen_reports(&store, today).await?;
                dieuhanh_store::seed_procedures::ensure_catalogue(&store).await?;
                let keys =
                    dieuhanh_web::security::keys::Keys::from_master(&config::master_key(&s)?);
                let calendar = dieuhanh_store::calendar::load(&store).await?;
                let dossiers = dieuhanh_web::demo_dossiers::seed(
                    &store,
                    &keys,
                    &calendar,
                    today,
                    &s.dossier_agency_suffix,
                )
                .await?;
                println!(
                    "{tasks} demo tasks from 3 directives; {visits} field visits; {obstacles} obstacles; {reports} periodic reports; {citizen} citizen reports; {dossiers} dossiers over a year."
                );
                println!(
                    "Demo database ready in {:.1} s.",
                    started.elapsed().as_secs_f64()
                );
            } else if settings::get(&store, settings::DEMO).await?.is_none() {
                bail!(
                    "{} is not a demo database; use `dieuhanh serve`",
                    dieuhanh_store::redact_url(&s.database_url)
                );
            }
            println!(
                "\nDemo accounts (password for all: {}):",
                seed::DEMO_PASSWORD
            );
            for a in seed::DEMO_ACCOUNTS {
                println!("  {:<18} {:<20} {}", a.username, a.role.as_str(), a.title);
            }
            println!(
                "\nOpen311 GeoReport v2: http://{}/open311/v2/discovery.json (api_key for POST: {})",
                s.addr,
                seed::DEMO_OPEN311_KEY
            );
            println!();
            serve(&s, store, true).await?;
        }
        Command::Serve { addr } => {
            let s = settings(&cli.global, false, addr)?;
            let store = open(&s).await?;
            if seed::is_initialised(&store).await?.is_none() {
                bail!("the database has no organisation yet: run `dieuhanh init` first");
            }
            let demo = settings::get(&store, settings::DEMO).await?.is_some();
            serve(&s, store, demo).await?;
        }
        Command::Migrate => {
            let s = settings(&cli.global, false, None)?;
            open(&s).await?;
            println!("migrations applied");
        }
        Command::Init { province } => {
            let s = settings(&cli.global, false, None)?;
            let store = open(&s).await?;
            let n = init_province(&store, &province).await?;
            println!("province {province}: {n} units loaded");
        }
        Command::User(cmd) => {
            let s = settings(&cli.global, false, None)?;
            let store = open(&s).await?;
            user_command(&store, cmd).await?;
        }
        Command::Audit(AuditCommand::Verify { anchor }) => {
            let s = settings(&cli.global, false, None)?;
            let store = open(&s).await?;
            let mut bar = Progress::new("entries");
            let outcome = dieuhanh_store::audit::verify_all(&store, |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })
            .await?;
            bar.finish_and_clear();
            match outcome {
                Ok(report) => println!(
                    "audit trail intact: {} chains, {} entries",
                    report.chains, report.entries
                ),
                Err(brk) => {
                    let unit = units::by_id(&store, brk.unit_id)
                        .await
                        .map(|u| format!("{} ({})", u.code, u.name))
                        .unwrap_or_else(|_| format!("id {}", brk.unit_id));
                    eprintln!(
                        "AUDIT TRAIL BROKEN in the chain of unit {unit}: entry {} — {}",
                        brk.seq, brk.reason
                    );
                    return Ok(ExitCode::FAILURE);
                }
            }
            if let Some(path) = anchor {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let anchor: dieuhanh_core::audit::Anchor = serde_json::from_str(&text)
                    .context("the anchor file is not a dieuhanh anchor")?;
                let keys =
                    dieuhanh_web::security::keys::Keys::from_master(&config::master_key(&s)?);
                if !anchor.is_authentic(keys.anchor_key()) {
                    eprintln!(
                        "ANCHOR NOT AUTHENTIC: {} was altered or made with another key",
                        path.display()
                    );
                    return Ok(ExitCode::FAILURE);
                }
                let broken = dieuhanh_store::audit::check_anchor(&store, &anchor).await?;
                if let Some(first) = broken.first() {
                    eprintln!(
                        "AUDIT TRAIL REWRITTEN since the anchor of {}: unit {} no longer has entry {} with hash {} ({} chains differ)",
                        anchor.taken_at,
                        first.unit,
                        first.seq,
                        first.hash,
                        broken.len()
                    );
                    return Ok(ExitCode::FAILURE);
                }
                println!(
                    "anchor of {} matches: {} chain heads found unchanged",
                    anchor.taken_at,
                    anchor.heads.len()
                );
            }
        }
        Command::Audit(AuditCommand::Anchor { to }) => {
            let s = settings(&cli.global, false, None)?;
            if to.exists() {
                bail!("{} already exists", to.display());
            }
            let store = open(&s).await?;
            let keys = dieuhanh_web::security::keys::Keys::from_master(&config::master_key(&s)?);
            let heads = dieuhanh_store::audit::heads(&store).await?;
            let taken_at = dieuhanh_core::time::format_rfc3339(dieuhanh_core::time::now_us());
            let anchor = dieuhanh_core::audit::Anchor::new(keys.anchor_key(), taken_at, heads);
            std::fs::write(&to, serde_json::to_string_pretty(&anchor)?)?;
            println!(
                "anchor of {} chains written to {} (MAC {})",
                anchor.heads.len(),
                to.display(),
                anchor.mac
            );
        }
        Command::Calendar(cmd) => {
            let s = settings(&cli.global, false, None)?;
            let store = open(&s).await?;
            calendar_cli::run(&store, cmd).await?;
        }
        Command::RotateKey { new_key_file } => {
            let s = settings(&cli.global, false, None)?;
            let store = open(&s).await?;
            let old = dieuhanh_web::security::keys::Keys::from_master(&config::master_key(&s)?);
            // The new key is on disk before anything is sealed with it.
            let new_key = config::new_key_file(&new_key_file)?;
            let new = dieuhanh_web::security::keys::Keys::from_master(&new_key);
            match dieuhanh_web::security::rotation::rotate(&store, &old, &new).await {
                Ok(done) => {
                    println!(
                        "Re-sealed {} TOTP secrets, {} reporters' contacts and {} dossier applicants.",
                        done.totp, done.contacts, done.applicants
                    );
                    println!(
                        "Now set secret_key_file (DIEUHANH_SECRET_KEY_FILE) to {} and restart; keep the old key until then. Take a new audit anchor: old anchors verify with the old key only.",
                        new_key_file.display()
                    );
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&new_key_file);
                    return Err(e);
                }
            }
        }
        Command::Open311(cmd) => {
            let s = settings(&cli.global, false, None)?;
            let store = open(&s).await?;
            open311_cli::run(&store, cmd).await?;
        }
        Command::Reminders => {
            let s = settings(&cli.global, false, None)?;
            let store = open(&s).await?;
            let calendar = dieuhanh_store::calendar::load(&store).await?;
            let today = dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us())
                .context("the clock is out of range")?;
            let opened = dieuhanh_web::reports::open_periods(&store, &calendar, today).await?;
            println!("{opened} report obligations opened");
            let mailer = mailer(&s)?;
            let n = dieuhanh_web::reminders::run_once(
                &store,
                &calendar,
                today,
                &reminder_days(&s)?,
                &mailer,
            )
            .await?;
            println!("{n} notifications sent");
            if mailer.sends() {
                let sent = dieuhanh_web::mail::deliver(&store, &mailer, 10_000).await?;
                println!("{sent} mails sent");
            }
        }
        Command::Bench(BenchCommand::Generate { scale, seed }) => {
            init_logging(Some("text"));
            let database_url = cli
                .global
                .database_url
                .clone()
                .or_else(|| cli.global.db.as_deref().map(sqlite_url))
                .context("give the fresh database to write: --db PATH or --database-url URL")?;
            let store = Store::connect(&database_url).await?;
            let s = settings(&cli.global, false, None)?;
            let keys = dieuhanh_web::security::keys::Keys::from_master(&config::master_key(&s)?);
            generate::run(&store, &keys, scale, seed).await?;
        }
        Command::Bench(BenchCommand::Run {
            iterations,
            clients,
            only,
        }) => {
            init_logging(Some("text"));
            let database_url = cli
                .global
                .database_url
                .clone()
                .or_else(|| cli.global.db.as_deref().map(sqlite_url));
            let s = settings(&cli.global, false, None)?;
            bench::run(bench::Options {
                database_url,
                iterations,
                clients,
                only,
                master_key: config::master_key(&s)?,
            })
            .await?;
        }
        Command::Backup { to } => {
            let s = settings(&cli.global, false, None)?;
            if to.exists() {
                bail!("{} already exists", to.display());
            }
            let store = open(&s).await?;
            if store.dialect() != dieuhanh_store::Dialect::Sqlite {
                bail!("for PostgreSQL use pg_dump; this command copies SQLite databases");
            }
            store.backup_sqlite(&to.display().to_string()).await?;
            println!("backup written to {}", to.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn user_command(store: &Store, cmd: UserCommand) -> anyhow::Result<()> {
    let passwords = PasswordHashing::standard();
    match cmd {
        UserCommand::Add {
            username,
            full_name,
            role,
            unit,
            title,
        } => {
            let role = Role::parse(&role).with_context(|| format!("unknown role {role}"))?;
            let unit = units::by_code(store, &unit)
                .await
                .with_context(|| format!("no unit with code {unit}"))?;
            let password = new_password();
            PasswordHashing::check_policy(&password)
                .map_err(|_| anyhow::anyhow!("passwords need 10 to 1024 characters"))?;
            let hash = passwords.hash(&password).await?;
            let mut tx = store.begin().await?;
            let new = users::NewUser {
                unit_id: unit.id,
                username: &username,
                full_name: &full_name,
                title: title.as_deref(),
                role,
                password_hash: &hash,
            };
            let id = users::create(&mut tx, &new, None).await?;
            tx.commit().await?;
            println!("created user {username} (id {id}) in {}", unit.name);
        }
        UserCommand::List => {
            let scope = dieuhanh_core::policy::Scope::All;
            let page = dieuhanh_core::paging::Page::new(Some(1), Some(500))?;
            let (people, total) =
                users::search(store, &scope, &users::PeopleQuery::default(), page).await?;
            for p in people {
                let state = if p.disabled { "disabled" } else { "active" };
                println!(
                    "{:<24} {:<20} {:<8} {:<30} {}",
                    p.username,
                    p.role.as_str(),
                    state,
                    p.full_name,
                    p.unit_name
                );
            }
            println!("{total} accounts");
        }
        UserCommand::Disable { username } => {
            let user = users::by_username(store, &username)
                .await
                .with_context(|| format!("no user {username}"))?;
            let mut tx = store.begin().await?;
            users::set_disabled(&mut tx, &user, true, None).await?;
            tx.commit().await?;
            println!("disabled {username}");
        }
        UserCommand::ResetPassword { username } => {
            let user = users::by_username(store, &username)
                .await
                .with_context(|| format!("no user {username}"))?;
            let password = new_password();
            PasswordHashing::check_policy(&password)
                .map_err(|_| anyhow::anyhow!("passwords need 10 to 1024 characters"))?;
            let hash = passwords.hash(&password).await?;
            let mut tx = store.begin().await?;
            users::set_password(&mut tx, &user, &hash, None).await?;
            dieuhanh_store::sessions::delete_for_user(&mut tx, user.id).await?;
            tx.commit().await?;
            println!("password of {username} reset");
        }
    }
    Ok(())
}

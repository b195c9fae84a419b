//! `dieuhanh bench`: times the foundation's hot paths on a fresh database, in process,
//! through the full HTTP stack (router, middleware, handlers, database) without the
//! network: seeding the demo, unit search, point lookup and login; then the staffing
//! proposal on generated rounds.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use dieuhanh_store::{Store, seed};
use dieuhanh_web::security::passwords::PasswordHashing;
use dieuhanh_web::state::WebConfig;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tower::ServiceExt;

pub struct Options {
    pub database_url: Option<String>,
    pub iterations: usize,
    /// Concurrent clients of the city scenarios.
    pub clients: usize,
    /// The scenarios to run; all when empty.
    pub only: Vec<Scenario>,
    pub master_key: [u8; 32],
}

/// The groups of figures `bench run` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// Unit search, the unit page, point-in-unit lookup and login.
    Foundation,
    /// Durable dossier transitions through the API, and the peak RSS meanwhile.
    Write,
    /// The 168-unit cockpit, one leader at a time, against a naive GROUP BY.
    Cockpit,
    /// The public lookup by dossier code.
    Lookup,
    /// Open311 GET of one request and of the list.
    Open311,
    /// The staffing proposal on generated rounds.
    Staffing,
}

impl Options {
    pub fn runs(&self, scenario: Scenario) -> bool {
        self.only.is_empty() || self.only.contains(&scenario)
    }

    /// Whether any of `scenarios` runs.
    pub fn runs_any(&self, scenarios: &[Scenario]) -> bool {
        scenarios.iter().any(|s| self.runs(*s))
    }
}

struct Figures {
    name: String,
    samples: Vec<Duration>,
}

impl Figures {
    fn print(&self) {
        let mut s = self.samples.clone();
        s.sort();
        let n = s.len().max(1);
        let total: Duration = s.iter().sum();
        let pct = |p: f64| {
            s.get(((n as f64 * p).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        println!(
            "{:<28} {:>7} {:>10.3} {:>10.3} {:>10.3} {:>10.0}",
            self.name,
            s.len(),
            ms(total / n as u32),
            ms(pct(0.50)),
            ms(pct(0.99)),
            s.len() as f64 / total.as_secs_f64().max(1e-9)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn call(app: &axum::Router, request: Request<Body>) -> (StatusCode, Duration) {
    let mut request = request;
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
    let started = Instant::now();
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("router is infallible");
    let status = response.status();
    let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
    (status, started.elapsed())
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = options
        .database_url
        .clone()
        .unwrap_or_else(|| crate::config::sqlite_url(&dir.path().join("bench.db")));
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    // A database the generator wrote is measured as it is; an empty one gets the demo's
    // units and accounts first (and that seeding is the first figure).
    let fresh = seed::is_initialised(&store).await?.is_none();
    println!(
        "database: {} ({})",
        store.dialect().name(),
        dieuhanh_store::redact_url(&url)
    );
    println!(
        "cores: {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    // 1. Seeding the demo's units and accounts, as `dieuhanh demo` does from cold.
    let passwords = PasswordHashing::standard();
    if fresh {
        let started = Instant::now();
        seed::init_province(&store, "79", |_, _| {}).await?;
        let organisation = started.elapsed();
        let hash = passwords.hash(seed::DEMO_PASSWORD).await?;
        let people = seed::seed_demo_people(&store, &hash, |_, _| {}).await?;
        println!(
            "\nseed units and accounts from cold: {:.0} ms (185 units with boundaries {:.0} ms; {people} accounts)",
            ms(started.elapsed()),
            ms(organisation)
        );
    }

    let config = WebConfig {
        demo: true,
        login_attempts_per_minute: 1_000_000,
        ..WebConfig::default()
    };
    let state_started = Instant::now();
    let state =
        dieuhanh_web::build_state(store.clone(), config, &options.master_key, passwords).await?;
    let start_up = state_started.elapsed();
    let app = dieuhanh_web::app(state.clone());
    println!("boundaries + map at start-up: {:.0} ms", ms(start_up));
    if options.runs(Scenario::Foundation) {
        foundation(&app, &options).await?;
    }
    if options.runs_any(&[
        Scenario::Write,
        Scenario::Cockpit,
        Scenario::Lookup,
        Scenario::Open311,
    ]) {
        crate::bench_city::run(
            &store,
            state,
            &crate::bench_city::Load {
                requests: options.iterations,
                clients: options.clients,
            },
            &options,
        )
        .await?;
    }
    store.close().await;
    if options.runs(Scenario::Staffing) {
        matching();
    }
    Ok(())
}

/// Unit search, the unit page, the point-in-unit lookup and login, one request at a time.
async fn foundation(app: &axum::Router, options: &Options) -> anyhow::Result<()> {
    println!(
        "\n{:<28} {:>7} {:>10} {:>10} {:>10} {:>10}",
        "scenario", "n", "mean ms", "p50 ms", "p99 ms", "per s"
    );

    let queries = [
        "ben thanh",
        "dong",
        "phuong",
        "xa binh",
        "con dao",
        "26743",
        "thu duc",
        "hoa",
        "an",
        "tan",
    ];
    let mut search = Figures {
        name: "GET /api/v1/units?q=".into(),
        samples: Vec::new(),
    };
    for i in 0..options.iterations {
        let q = queries[i % queries.len()].replace(' ', "+");
        let (status, took) = call(
            app,
            Request::get(format!("/api/v1/units?q={q}")).body(Body::empty())?,
        )
        .await;
        anyhow::ensure!(status == StatusCode::OK, "search answered {status}");
        search.samples.push(took);
    }
    search.print();

    let mut pages = Figures {
        name: "GET /units?q= (page + map)".into(),
        samples: Vec::new(),
    };
    for i in 0..options.iterations / 10 {
        let q = queries[i % queries.len()].replace(' ', "+");
        let (status, took) = call(
            app,
            Request::get(format!("/units?q={q}")).body(Body::empty())?,
        )
        .await;
        anyhow::ensure!(status == StatusCode::OK, "unit page answered {status}");
        pages.samples.push(took);
    }
    pages.print();

    // Points spread over the city's bounding box, deterministic.
    let mut lookup = Figures {
        name: "GET /api/v1/units/at".into(),
        samples: Vec::new(),
    };
    let mut inside = 0;
    for i in 0..options.iterations {
        let lat = 10.35 + 0.85 * ((i * 7919) % 1000) as f64 / 1000.0;
        let lon = 106.35 + 0.85 * ((i * 104_729) % 1000) as f64 / 1000.0;
        let (status, took) = call(
            app,
            Request::get(format!("/api/v1/units/at?lat={lat:.5}&lon={lon:.5}"))
                .body(Body::empty())?,
        )
        .await;
        anyhow::ensure!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "lookup answered {status}"
        );
        inside += usize::from(status == StatusCode::OK);
        lookup.samples.push(took);
    }
    lookup.print();

    let mut login = Figures {
        name: "POST /api/v1/auth/login".into(),
        samples: Vec::new(),
    };
    for _ in 0..(options.iterations / 50).max(5) {
        let body =
            serde_json::json!({"username": "benthanh.canbo", "password": seed::DEMO_PASSWORD})
                .to_string();
        let request = Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(body))?;
        let (status, took) = call(app, request).await;
        anyhow::ensure!(status == StatusCode::OK, "login answered {status}");
        login.samples.push(took);
    }
    login.print();
    println!(
        "\n({inside} of {} lookup points fell inside a unit)",
        options.iterations
    );
    Ok(())
}

/// The staffing proposal (issue 6) on generated rounds: positions needing 2–4 of 20
/// criteria (one mandatory), officials holding 3–6 of them, one wish each; up to the
/// target of 3,000 positions × 10,000 officials.
fn matching() {
    use dieuhanh_core::staffing::{Candidate, Position, Requirement, Weights, fit, propose};
    let mut seed: u64 = 42;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    println!("\nstaffing proposal (positions x officials): time, and the limit measured alongside");
    for (positions, officials) in [(300, 1_000), (600, 2_000), (3_000, 10_000)] {
        let ps: Vec<Position> = (0..positions)
            .map(|i| Position {
                id: i as i64,
                quota: 1,
                requirements: (0..2 + next(3))
                    .map(|k| Requirement {
                        criterion: format!("c{}", next(20)),
                        min_level: 1.0,
                        mandatory: k == 0,
                        weight: 1.0 + next(5) as f64,
                    })
                    .collect(),
            })
            .collect();
        let cs: Vec<Candidate> = (0..officials)
            .map(|i| Candidate {
                id: i as i64,
                levels: (0..3 + next(4))
                    .map(|_| (format!("c{}", next(20)), 1.0))
                    .collect(),
                wishes: vec![next(positions as u64) as i64],
            })
            .collect();
        let started = Instant::now();
        let proposal = propose(&cs, &ps, &[], &Weights::default()).expect("no locks");
        let took = started.elapsed();
        // The limit: any exact answer must at least score every pair once.
        let started = Instant::now();
        let mut scored = 0.0;
        for c in &cs {
            for p in &ps {
                scored += fit(c, p, &Weights::default()).map_or(0.0, |f| f.total);
            }
        }
        let scan = std::hint::black_box(started.elapsed());
        let _ = std::hint::black_box(scored);
        println!(
            "  {positions:>5} x {officials:>6}: {:>8.1} ms ({} placed, total fit {:.0}); limit: scoring every pair once {:.1} ms; ratio {:.2}",
            ms(took),
            proposal.placements.len(),
            proposal.total,
            ms(scan),
            scan.as_secs_f64() / took.as_secs_f64().max(1e-9)
        );
    }
}

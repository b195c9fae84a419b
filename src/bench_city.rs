//! `dieuhanh bench run`, the city scenarios (issue 7): each figure beside a limit measured
//! in the same run on the same machine, and their ratio. The server runs in this process
//! on a loopback port and is called over HTTP by concurrent clients, as a browser or an
//! Open311 client would; its limits are the same work without the product around it.

use anyhow::Context;
use axum::routing::get;
use dieuhanh_store::Store;
use dieuhanh_web::state::AppState;
use sqlx::Row;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How many requests, and how many clients at once.
pub struct Load {
    pub requests: usize,
    pub clients: usize,
}

/// Latencies of one scenario and the wall time they took.
struct Timed {
    samples: Vec<Duration>,
    wall: Duration,
}

impl Timed {
    fn per_second(&self) -> f64 {
        self.samples.len() as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut s = self.samples.clone();
        s.sort();
        let i = ((s.len() as f64 * p).ceil() as usize).saturating_sub(1);
        s.get(i).map_or(0.0, |d| ms(*d))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One line of the result table.
struct Line {
    scenario: String,
    figure: String,
    limit: String,
    ratio: f64,
}

fn print_table(lines: &[Line]) {
    println!(
        "\n{:<44} {:<40} {:<40} {:>7}",
        "scenario", "figure", "limit (same run)", "ratio"
    );
    for l in lines {
        println!(
            "{:<44} {:<40} {:<40} {:>7.2}",
            l.scenario, l.figure, l.limit, l.ratio
        );
    }
}

/// Runs `load.requests` calls of `call` from `load.clients` tasks at once.
async fn drive<F, Fut>(load: &Load, call: F) -> anyhow::Result<Timed>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let call = Arc::new(call);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..load.clients.max(1) {
        let (call, next, total) = (call.clone(), next.clone(), load.requests as u64);
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let t = Instant::now();
                call(i as usize).await?;
                samples.push(t.elapsed());
            }
            anyhow::Ok(samples)
        }));
    }
    let mut samples = Vec::with_capacity(load.requests);
    for t in tasks {
        samples.extend(t.await??);
    }
    Ok(Timed {
        samples,
        wall: started.elapsed(),
    })
}

/// Serves `router` on a loopback port until the process ends; returns its base URL.
async fn serve(router: axum::Router) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    Ok(base)
}

async fn expect_ok(r: reqwest::Response, what: &str) -> anyhow::Result<reqwest::Response> {
    let status = r.status();
    if status.is_success() {
        return Ok(r);
    }
    let body = r.text().await.unwrap_or_default();
    anyhow::bail!(
        "{what} answered {status}: {}",
        body.chars().take(300).collect::<String>()
    )
}

/// The process's peak resident memory (VmHWM) in MiB, and a reset of it (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub async fn run(
    store: &Store,
    state: AppState,
    load: &Load,
    options: &crate::bench::Options,
) -> anyhow::Result<()> {
    use crate::bench::Scenario;
    let dossiers = store.count_rows("dossiers").await?;
    println!(
        "\ncity scenarios: {dossiers} dossiers in the database; {} requests per scenario, {} clients{}",
        load.requests,
        load.clients,
        if options.runs(Scenario::Write) {
            " (the write path's dossiers stay in the database, as real intakes would)"
        } else {
            ""
        }
    );
    let base = serve(dieuhanh_web::app(state.clone())).await?;
    let trivial = serve(dieuhanh_web::stack(
        axum::Router::new().route("/trivial", get(|| async { "ok" })),
        state.clone(),
    ))
    .await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(load.clients * 2)
        .build()?;
    let mut lines = Vec::new();

    let mut peak = None;
    if options.runs(Scenario::Write) {
        reset_peak_rss();
        lines.extend(write_path(store, &client, &base, load).await?);
        peak = Some(peak_rss_mib());
    }
    if options.runs(Scenario::Cockpit) {
        lines.push(cockpit(store, &state, &client, &base, load).await?);
    }
    if options.runs_any(&[Scenario::Lookup, Scenario::Open311]) {
        let trivial_rate = {
            let (client, url) = (client.clone(), format!("{trivial}/trivial"));
            drive(load, move |_| {
                let (client, url) = (client.clone(), url.clone());
                async move {
                    expect_ok(client.get(&url).send().await?, "trivial").await?;
                    Ok(())
                }
            })
            .await?
        };
        if options.runs(Scenario::Lookup) {
            lines.extend(lookup(store, &client, &base, load, &trivial_rate).await?);
        }
        if options.runs(Scenario::Open311) {
            lines.extend(open311(store, &client, &base, load, &trivial_rate).await?);
        }
    }
    print_table(&lines);

    let size = database_bytes(store).await?;
    // Only the write path adds dossiers (a count over millions of rows takes seconds).
    let dossiers = if options.runs(Scenario::Write) {
        store.count_rows("dossiers").await?
    } else {
        dossiers
    };
    // Measured when the write path ran (unknown where /proc is not Linux's).
    if let Some(peak) = peak {
        println!(
            "\nmemory: peak RSS during the write path {} (the whole process: server, clients and database cache)",
            peak.map_or("unknown".to_string(), |m| format!("{m:.0} MiB"))
        );
    }
    let mib = size as f64 / 1_048_576.0;
    if dossiers > 0 {
        println!(
            "size: {mib:.0} MiB for {dossiers} dossiers, {:.0} MiB per million dossiers (everything in the database included)",
            mib / dossiers as f64 * 1e6
        );
    } else {
        println!("size: {mib:.0} MiB, no dossiers");
    }
    Ok(())
}

/// An API token for a demo account.
async fn login(client: &reqwest::Client, base: &str, username: &str) -> anyhow::Result<String> {
    let body =
        serde_json::json!({"username": username, "password": dieuhanh_store::seed::DEMO_PASSWORD});
    let r = expect_ok(
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&body)
            .send()
            .await?,
        "login",
    )
    .await?;
    let v: serde_json::Value = r.json().await?;
    Ok(v["token"]
        .as_str()
        .context("login gave no token")?
        .to_string())
}

/// Logs in the one-stop officers of the first `n` communal units: (unit, token).
async fn officers(
    store: &Store,
    client: &reqwest::Client,
    base: &str,
    n: usize,
) -> anyhow::Result<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT u.unit_id, u.username FROM users u JOIN units n ON n.id = u.unit_id \
         WHERE u.username LIKE '%.canbo' AND n.kind IN ('ward', 'commune', 'special_zone') ORDER BY u.id LIMIT $1",
    )
    .bind(n as i64)
    .fetch_all(store.reader())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let username: String = r.try_get("username")?;
        out.push((r.try_get("unit_id")?, login(client, base, &username).await?));
    }
    anyhow::ensure!(!out.is_empty(), "no officers to log in");
    Ok(out)
}

const PROCEDURE: &str = "1.004873";

/// Durable dossier transitions through the JSON API (a counter intake, then the start of
/// handling: two transitions, each acknowledged after its commit), against the same rows
/// inserted raw through the same driver with the same durability.
async fn write_path(
    store: &Store,
    client: &reqwest::Client,
    base: &str,
    load: &Load,
) -> anyhow::Result<Vec<Line>> {
    let transitions = load.requests.max(2) / 2 * 2;
    let officers = Arc::new(officers(store, client, base, load.clients).await?);
    let raw = raw_inserts(store, &officers, transitions / 2, load.clients).await?;
    let (client, base) = (client.clone(), base.to_string());
    let offset = std::process::id() as usize * 100_000;
    let api = drive(
        &Load {
            requests: transitions / 2,
            clients: load.clients,
        },
        move |i| {
            let (client, base, officers) = (client.clone(), base.clone(), officers.clone());
            async move {
                let (_, token) = &officers[i % officers.len()];
                let identity = format!("0792{:08}", (offset + i) % 100_000_000);
                let body = serde_json::json!({"procedure": PROCEDURE,
                    "applicant": {"name": "Khách Thử Tải", "identity": identity, "phone": "0901234567"},
                    "documents_handed_in": [0]});
                let r = expect_ok(
                    client
                        .post(format!("{base}/api/v1/dossiers"))
                        .bearer_auth(token)
                        .json(&body)
                        .send()
                        .await?,
                    "intake",
                )
                .await?;
                let v: serde_json::Value = r.json().await?;
                let id = v["id"].as_i64().context("intake gave no id")?;
                expect_ok(
                    client
                        .post(format!("{base}/api/v1/dossiers/{id}/actions"))
                        .bearer_auth(token)
                        .json(&serde_json::json!({"action": "start"}))
                        .send()
                        .await?,
                    "start",
                )
                .await?;
                Ok(())
            }
        },
    )
    .await?;
    // Each sample is one dossier: two transitions.
    let api_rate = api.per_second() * 2.0;
    Ok(vec![Line {
        scenario: format!("write path: dossier transitions, {} clients", load.clients),
        figure: format!(
            "{api_rate:.0}/s, p50 {:.1} ms, p99 {:.1} ms per pair",
            api.percentile(0.5),
            api.percentile(0.99)
        ),
        limit: format!("raw inserts {raw:.0}/s"),
        ratio: api_rate / raw.max(1e-9),
    }])
}

/// The rows of `dossiers` intakes and starts written directly, one transaction per
/// transition, from as many tasks as clients; removed afterwards. Transitions per second.
async fn raw_inserts(
    store: &Store,
    officers: &Arc<Vec<(i64, String)>>,
    dossiers: usize,
    clients: usize,
) -> anyhow::Result<f64> {
    let written = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (shared, officers, ids) = (store.clone(), officers.clone(), written.clone());
    let stamp = dieuhanh_core::time::now_us();
    let timed = drive(
        &Load {
            requests: dossiers,
            clients,
        },
        move |i| {
            let (store, officers, ids) = (shared.clone(), officers.clone(), ids.clone());
            async move {
                let (unit, _) = officers[i % officers.len()];
                let now = dieuhanh_core::time::now_us();
                let mut tx = store.begin().await?;
                let id: i64 = sqlx::query(
                    "INSERT INTO work_items (unit_id, kind, state, issuer_unit_id, title, priority, due_date, \
                     progress, created_at_us) VALUES ($1, 'dossier', 'received', $1, $2, 'normal', '2099-01-01', 0, $3) \
                     RETURNING id",
                )
                .bind(unit)
                .bind(format!("BENCH {stamp} {i}"))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
                sqlx::query(
                    "INSERT INTO dossiers (item_id, unit_id, code, procedure_code, channel, applicant_sealed, identity_hash, \
                     submitted_at_us, received_at_us, term_value, term_unit, appointment_date, outcome, result_note, fee_vnd, \
                     fee_status, fee_channel, rating, rating_comment) \
                     VALUES ($1, $2, $3, $4, 'counter', 'sealed', 'hash', $5, $5, 3, 'working_days', '2099-01-01', '', '', 0, \
                     'none', '', '', '')",
                )
                .bind(id)
                .bind(unit)
                .bind(format!("BENCH.{stamp}.{i}"))
                .bind(PROCEDURE)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                event(&mut tx, unit, id, 1, "receive", "", "received").await?;
                tx.commit().await?;
                let mut tx = store.begin().await?;
                sqlx::query("UPDATE work_items SET state = 'in_progress' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                event(&mut tx, unit, id, 2, "start", "received", "in_progress").await?;
                tx.commit().await?;
                ids.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.push(id);
                Ok(())
            }
        },
    )
    .await;
    // The raw rows go whatever happened: they are not in the tallies.
    let ids: Vec<i64> = written
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    let mut tx = store.begin().await?;
    for chunk in ids.chunks(400) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        for (table, column) in [
            ("work_item_events", "item_id"),
            ("dossiers", "item_id"),
            ("work_items", "id"),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE {column} IN ({list})"
            )))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(timed?.per_second() * 2.0)
}

async fn event(
    tx: &mut dieuhanh_store::Tx,
    unit: i64,
    item: i64,
    seq: i64,
    action: &str,
    from: &str,
    to: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO work_item_events (unit_id, item_id, seq, at_us, action, from_state, to_state, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, '')",
    )
    .bind(unit)
    .bind(item)
    .bind(seq)
    .bind(dieuhanh_core::time::now_us())
    .bind(action)
    .bind(from)
    .bind(to)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The 168-unit cockpit (the leader's API call), one at a time, against a naive GROUP BY
/// over every work item, and the dossier statistics counted by classifying every dossier
/// of the quarter (what the tallies replaced).
async fn cockpit(
    store: &Store,
    state: &AppState,
    client: &reqwest::Client,
    base: &str,
    load: &Load,
) -> anyhow::Result<Line> {
    let token = login(client, base, "lanhdao").await?;
    let rounds = (load.requests / 20).clamp(5, 200);
    let mut samples = Vec::new();
    let started = Instant::now();
    for _ in 0..rounds {
        let t = Instant::now();
        expect_ok(
            client
                .get(format!("{base}/api/v1/cockpit"))
                .bearer_auth(&token)
                .send()
                .await?,
            "cockpit",
        )
        .await?
        .bytes()
        .await?;
        samples.push(t.elapsed());
    }
    let timed = Timed {
        samples,
        wall: started.elapsed(),
    };
    let mut naive = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        sqlx::query(
            "SELECT unit_id, kind, state, COUNT(*) AS n FROM work_items GROUP BY unit_id, kind, state",
        )
        .fetch_all(store.reader())
        .await?;
        naive.push(ms(t.elapsed()));
    }
    naive.sort_by(f64::total_cmp);
    let quarter = dieuhanh_web::statistics::requested_period(None).context("no quarter")?;
    let t = Instant::now();
    dieuhanh_web::statistics::recount(state, &quarter)
        .await
        .map_err(|e| anyhow::anyhow!("recount: {e:?}"))?;
    println!(
        "(the quarter's dossier statistics by classifying every dossier, as before the tallies: {:.0} ms)",
        ms(t.elapsed())
    );
    let p50 = timed.percentile(0.5);
    Ok(Line {
        scenario: "cockpit: 168 units, one leader at a time".into(),
        figure: format!("p50 {p50:.1} ms, p99 {:.1} ms", timed.percentile(0.99)),
        limit: format!("naive GROUP BY of all items {:.1} ms", naive[1]),
        ratio: naive[1] / p50.max(1e-9),
    })
}

/// Random existing rows' values of `column` (by id, so it stays cheap on a large table).
async fn sample(
    store: &Store,
    table: &str,
    id: &str,
    column: &str,
    n: usize,
) -> anyhow::Result<Vec<String>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT MIN({id}) AS low, MAX({id}) AS high FROM {table}"
    )))
    .fetch_one(store.reader())
    .await?;
    let (Some(low), Some(high)) = (
        r.try_get::<Option<i64>, _>("low")?,
        r.try_get::<Option<i64>, _>("high")?,
    ) else {
        return Ok(Vec::new());
    };
    let mut rng = dieuhanh_web::synthetic::Rng::new(11);
    let mut out = Vec::new();
    for _ in 0..n * 2 {
        if out.len() == n {
            break;
        }
        let at = low + (rng.unit() * (high - low + 1) as f64) as i64;
        if let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {column} AS v FROM {table} WHERE {id} >= $1 ORDER BY {id} LIMIT 1"
        )))
        .bind(at)
        .fetch_optional(store.reader())
        .await?
        {
            out.push(r.try_get("v")?);
        }
    }
    Ok(out)
}

fn vs_trivial(scenario: &str, timed: &Timed, trivial: &Timed) -> Line {
    Line {
        scenario: scenario.into(),
        figure: format!(
            "{:.0}/s, p99 {:.1} ms",
            timed.per_second(),
            timed.percentile(0.99)
        ),
        limit: format!(
            "trivial handler {:.0}/s, p99 {:.1} ms",
            trivial.per_second(),
            trivial.percentile(0.99)
        ),
        ratio: timed.per_second() / trivial.per_second().max(1e-9),
    }
}

/// The public lookup by dossier code, at the benchmark's concurrency.
async fn lookup(
    store: &Store,
    client: &reqwest::Client,
    base: &str,
    load: &Load,
    trivial: &Timed,
) -> anyhow::Result<Option<Line>> {
    let codes = Arc::new(sample(store, "dossiers", "item_id", "code", 1_000).await?);
    if codes.is_empty() {
        println!("(no dossiers: the public lookup not measured)");
        return Ok(None);
    }
    let (client, base) = (client.clone(), base.to_string());
    let timed = drive(load, move |i| {
        let (client, base, codes) = (client.clone(), base.clone(), codes.clone());
        async move {
            let code = &codes[i % codes.len()];
            expect_ok(
                client
                    .get(format!("{base}/api/v1/dossiers/lookup/{code}"))
                    .send()
                    .await?,
                "lookup",
            )
            .await?
            .bytes()
            .await?;
            Ok(())
        }
    })
    .await?;
    Ok(Some(vs_trivial(
        &format!("public lookup by code, {} clients", load.clients),
        &timed,
        trivial,
    )))
}

/// Open311 GeoReport v2 reads: one request by id, and the default list.
async fn open311(
    store: &Store,
    client: &reqwest::Client,
    base: &str,
    load: &Load,
    trivial: &Timed,
) -> anyhow::Result<Vec<Line>> {
    let ids = Arc::new(sample(store, "citizen_reports", "item_id", "public_id", 1_000).await?);
    if ids.is_empty() {
        println!("(no citizen reports: Open311 reads not measured)");
        return Ok(Vec::new());
    }
    let mut lines = Vec::new();
    for (name, list) in [
        ("Open311 GET requests/{id}.json", false),
        ("Open311 GET requests.json", true),
    ] {
        let (client, base, ids) = (client.clone(), base.to_string(), ids.clone());
        let timed = drive(load, move |i| {
            let (client, base, ids) = (client.clone(), base.clone(), ids.clone());
            async move {
                let url = if list {
                    format!("{base}/open311/v2/requests.json")
                } else {
                    format!("{base}/open311/v2/requests/{}.json", ids[i % ids.len()])
                };
                expect_ok(client.get(url).send().await?, "open311")
                    .await?
                    .bytes()
                    .await?;
                Ok(())
            }
        })
        .await?;
        lines.push(vs_trivial(
            &format!("{name}, {} clients", load.clients),
            &timed,
            trivial,
        ));
    }
    Ok(lines)
}

/// The database's size in bytes (SQLite: its pages, without the write-ahead log).
async fn database_bytes(store: &Store) -> anyhow::Result<i64> {
    let sql = match store.dialect() {
        dieuhanh_store::Dialect::Postgres => "SELECT pg_database_size(current_database()) AS n",
        dieuhanh_store::Dialect::Sqlite => {
            "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()"
        }
    };
    Ok(sqlx::query(sql)
        .fetch_one(store.reader())
        .await?
        .try_get("n")?)
}

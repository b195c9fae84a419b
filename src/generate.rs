//! `dieuhanh bench generate`: builds a whole city's workload into a fresh database,
//! deterministic for a seed: the 168 real units and their departments, two officials per
//! unit, the procedure catalogue, and dossiers at the city's real volume (PRODUCT.md "The
//! scale we serve": about 5.5 million a year) with realistic arrivals and step histories,
//! written in one transaction per day; then, over the same span, citizen reports (about
//! 5,750 a month), city directives with their tasks, the monthly report of every unit and
//! obstacles raised to the departments (`dieuhanh_web::synthetic_work`). Shows progress
//! (of the dossiers) and the rows written per table.

use anyhow::Context;
use dieuhanh_store::{Store, seed};
use dieuhanh_web::security::passwords::PasswordHashing;
use jiff::civil::Date;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// One month, about 450,000 dossiers.
    Small,
    /// One year, about 5.5 million dossiers.
    Year,
    /// From 1 January 2025 (the first year the working-day calendar holds), about 11
    /// million dossiers over two years.
    History,
}

impl Scale {
    /// (first day, dossiers) for a city generated up to `today`.
    fn plan(self, today: Date) -> (Date, u64) {
        let back = |days: i64| {
            today
                .checked_sub(jiff::Span::new().days(days))
                .unwrap_or(today)
        };
        match self {
            Scale::Small => (back(30), 450_000),
            Scale::Year => (back(365), 5_500_000),
            Scale::History => (Date::constant(2025, 1, 1), 11_000_000),
        }
    }
}

pub async fn run(
    store: &Store,
    keys: &dieuhanh_web::security::keys::Keys,
    scale: Scale,
    seed_value: u64,
) -> anyhow::Result<()> {
    store.migrate().await?;
    if seed::is_initialised(store).await?.is_some() {
        anyhow::bail!(
            "the generator writes into a fresh, empty database (give --db or --database-url)"
        );
    }
    let started = Instant::now();
    seed::init_province(store, "79", |_, _| {}).await?;
    let hash = PasswordHashing::standard()
        .hash(seed::DEMO_PASSWORD)
        .await?;
    let people = seed::seed_demo_people(store, &hash, |_, _| {}).await?;
    dieuhanh_store::seed_procedures::ensure_catalogue(store).await?;
    let calendar = dieuhanh_store::calendar::load(store).await?;
    let today = dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us())
        .context("the clock is out of range")?;
    let (first, target) = scale.plan(today);
    let days = dieuhanh_web::synthetic::working_days(&calendar, first, today);
    let units = dieuhanh_store::units::all_current(store)
        .await?
        .into_iter()
        .filter(|u| u.kind.is_communal())
        .count();
    let weights: f64 = days
        .iter()
        .map(|d| dieuhanh_web::synthetic::day_weight(*d))
        .sum();
    let mean = target as f64 / (units as f64 * weights.max(1.0));
    println!(
        "Generating {target} dossiers over {} working days for {units} units ({people} accounts ready in {:.1} s)…",
        days.len(),
        started.elapsed().as_secs_f64()
    );
    let mut bar = crate::progress::Progress::new("dossiers");
    // When the last day of dossiers was written: the other kinds come after.
    let mut dossiers_done = Instant::now();
    bar.set_length(target);
    let written = dieuhanh_web::synthetic::generate(
        store,
        keys,
        &calendar,
        &dieuhanh_web::synthetic::Plan {
            seed: seed_value,
            days,
            mean_per_unit_day: mean,
            suffix: "A00".into(),
            work: true,
        },
        |done, _| {
            bar.set_position(done);
            dossiers_done = Instant::now();
        },
    )
    .await?;
    bar.finish_and_clear();
    let rest = dossiers_done.elapsed().as_secs_f64();
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{written} dossiers and the other work in {elapsed:.1} s ({:.0} dossiers per second; \
         citizen reports, directives and tasks, reports and obstacles in the last {rest:.1} s).",
        written as f64 / (elapsed - rest).max(1e-9),
    );
    for table in [
        "work_items",
        "work_item_events",
        "dossiers",
        "citizen_reports",
        "directives",
        "item_cooperators",
        "report_obligations",
        "obstacle_details",
    ] {
        println!("  {table:<20} {:>10}", store.count_rows(table).await?);
    }
    Ok(())
}

//! `dieuhanh calendar`: show a year, or enter a year's holiday notice from a file.

use anyhow::{Context, bail};
use clap::Subcommand;
use dieuhanh_core::calendar::{YearCalendar, format_notice, parse_date, parse_notice};
use dieuhanh_store::Store;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Print the years entered, or one year's special days.
    Show { year: Option<i16> },
    /// Enter (or replace) a year's notice. The file has one day per line:
    /// `date, kind, name` (date as YYYY-MM-DD or dd/mm/yyyy; kind one of statutory,
    /// make_up, swap_off, swap_work, announced_tet_day).
    Set {
        year: i16,
        /// The notice's days.
        #[arg(long)]
        notice: PathBuf,
        /// The source document, e.g. "TB 9441/TB-BNV".
        #[arg(long)]
        source: String,
        /// Mark the year incomplete, uncertain from this date (the year's notice is not
        /// out yet); without it the year is complete.
        #[arg(long, value_name = "DATE")]
        incomplete_from: Option<String>,
    },
}

pub async fn run(store: &Store, command: CalendarCommand) -> anyhow::Result<()> {
    match command {
        CalendarCommand::Show { year } => {
            let calendar = dieuhanh_store::calendar::load(store).await?;
            match year {
                None => {
                    for y in calendar.years() {
                        let status = match (y.complete, y.pending_from) {
                            (true, _) => "complete".to_string(),
                            (false, Some(d)) => format!("incomplete from {d}"),
                            (false, None) => "incomplete".to_string(),
                        };
                        println!(
                            "{}  {:<24} {:>3} days  {}",
                            y.year,
                            status,
                            y.days.len(),
                            y.source
                        );
                    }
                }
                Some(year) => {
                    let y = calendar
                        .year(year)
                        .with_context(|| format!("no calendar entered for {year}"))?;
                    println!(
                        "# {} — {} — {}",
                        y.year,
                        if y.complete { "complete" } else { "incomplete" },
                        y.source
                    );
                    print!("{}", format_notice(&y.days));
                }
            }
        }
        CalendarCommand::Set {
            year,
            notice,
            source,
            incomplete_from,
        } => {
            if !(1900..=2999).contains(&year) {
                bail!("{year} is not a year from 1900 to 2999");
            }
            let text = std::fs::read_to_string(&notice)
                .with_context(|| format!("cannot read {}", notice.display()))?;
            let source = source.trim().to_string();
            if source.is_empty() {
                bail!("--source must name the notice");
            }
            let pending_from = match &incomplete_from {
                Some(d) => Some(
                    parse_date(d)
                        .filter(|d| d.year() == year)
                        .with_context(|| format!("--incomplete-from must be a date of {year}"))?,
                ),
                None => None,
            };
            let days = parse_notice(year, &text, &source).map_err(|errors| {
                let lines: Vec<String> = errors
                    .iter()
                    .map(|e| format!("  line {}: {}", e.line, e.problem.code().replace('_', " ")))
                    .collect();
                anyhow::anyhow!("the notice was not entered:\n{}", lines.join("\n"))
            })?;
            let root = dieuhanh_store::units::root(store)
                .await
                .context("run `dieuhanh init` first")?;
            let entry = YearCalendar {
                year,
                complete: incomplete_from.is_none(),
                pending_from,
                source,
                days,
            };
            let mut tx = store.begin().await?;
            dieuhanh_store::calendar::set_year(&mut tx, &entry, root.id, None).await?;
            tx.commit().await?;
            println!(
                "calendar {year} entered: {} special days, {}",
                entry.days.len(),
                if entry.complete {
                    "complete"
                } else {
                    "incomplete"
                }
            );
        }
    }
    Ok(())
}

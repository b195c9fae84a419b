//! A year of demo dossiers for every ward, commune and the special zone, so the on-time
//! statistics and the Decision 766 ranking look like a real city (see
//! [`crate::synthetic`] for how each dossier lives).

use crate::security::keys::Keys;
use crate::synthetic::{Plan, generate, working_days};
use dieuhanh_core::calendar::Calendar;
use dieuhanh_store::{Result, Store};
use jiff::civil::Date;

/// Mean dossiers per unit and working day in the demo (a real ward receives far more;
/// `dieuhanh bench generate` builds the city at its real scale).
const DEMO_MEAN: f64 = 0.55;

/// Seeds dossiers received over the year before `today`; returns how many.
pub async fn seed(
    store: &Store,
    keys: &Keys,
    calendar: &Calendar,
    today: Date,
    suffix: &str,
) -> Result<u64> {
    let start = today
        .checked_sub(jiff::Span::new().days(365))
        .unwrap_or(today);
    let plan = Plan {
        seed: 1,
        days: working_days(calendar, start, today),
        mean_per_unit_day: DEMO_MEAN,
        suffix: suffix.to_string(),
        // The demo seeds its own tasks, reports, obstacles and citizen reports.
        work: false,
    };
    generate(store, keys, calendar, &plan, |_, _| {}).await
}

//! The reminder and escalation job: before a deadline the person (or unit leaders)
//! responsible get a reminder, after it the accountable unit's leaders and the issuer's
//! are told. Each notification is recorded under a unique key, so the job can run in
//! several server processes at once without notifying anyone twice.

use dieuhanh_core::calendar::Calendar;
use dieuhanh_store::{Store, notifications};
use jiff::civil::Date;

/// Working days before the deadline on which a reminder goes out.
pub const REMINDER_DAYS: [i64; 2] = [3, 1];

const LEADER_ROLES: [&str; 3] = ["unit_leader", "department_officer", "city_leader"];

/// Runs one pass for `today`; returns how many notifications were created.
pub async fn run_once(
    store: &Store,
    calendar: &Calendar,
    today: Date,
) -> Result<usize, dieuhanh_store::StoreError> {
    let horizon = calendar
        .add_working_days(today, REMINDER_DAYS[0] as u32)
        .unwrap_or(today);
    let mut created = 0;
    for (item, unit, issuer, assignee, _kind, due) in
        notifications::open_items_due_by(store, &horizon.to_string()).await?
    {
        let Ok(due_date) = due.parse::<Date>() else {
            continue;
        };
        let (kind, for_date, recipients) = if due_date < today {
            // Escalation happens once per deadline: keyed by the due date, not the day.
            let mut to = notifications::officials(store, unit, &LEADER_ROLES).await?;
            to.extend(notifications::officials(store, issuer, &LEADER_ROLES).await?);
            ("escalation", due.clone(), to)
        } else {
            let left = calendar.working_days_between(today, due_date).unwrap_or(-1);
            if !REMINDER_DAYS.contains(&left) {
                continue;
            }
            let to = match assignee {
                Some(a) => vec![a],
                None => notifications::officials(store, unit, &LEADER_ROLES).await?,
            };
            ("reminder", today.to_string(), to)
        };
        for user in recipients {
            if notifications::notify(store, unit, user, item, kind, &for_date).await? {
                created += 1;
            }
        }
    }
    Ok(created)
}

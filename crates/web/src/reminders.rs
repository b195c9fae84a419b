//! The reminder and escalation job: before a deadline the person (or unit leaders)
//! responsible get a reminder, after it the accountable unit's leaders and the issuer's
//! are told. Each notification is recorded under a unique key, so the job can run in
//! several server processes at once without notifying anyone twice. People with an
//! e-mail address also get each notification by mail (see `mail`).

use dieuhanh_core::calendar::Calendar;
use dieuhanh_store::{Store, notifications};
use jiff::civil::Date;

/// Working days before the deadline on which a reminder goes out, unless configured.
pub const DEFAULT_REMINDER_DAYS: [u32; 2] = [3, 1];

/// Reads the configured reminder days (`"3,1"`): 1 to 60 working days, at most five.
pub fn parse_days(text: &str) -> Option<Vec<u32>> {
    let mut days: Vec<u32> = text
        .split(',')
        .map(|d| d.trim().parse().ok().filter(|d| (1..=60).contains(d)))
        .collect::<Option<_>>()?;
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    (!days.is_empty() && days.len() <= 5).then_some(days)
}

const LEADER_ROLES: [&str; 3] = ["unit_leader", "department_officer", "city_leader"];

/// Runs one pass for `today`; returns how many notifications were created.
pub async fn run_once(
    store: &Store,
    calendar: &Calendar,
    today: Date,
    reminder_days: &[u32],
    mailer: &crate::mail::Mailer,
) -> Result<usize, dieuhanh_store::StoreError> {
    let furthest = reminder_days.iter().copied().max().unwrap_or(0);
    let horizon = calendar.add_working_days(today, furthest).unwrap_or(today);
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
            if !reminder_days.iter().any(|d| i64::from(*d) == left) {
                continue;
            }
            let to = match assignee {
                Some(a) => vec![a],
                None => notifications::officials(store, unit, &LEADER_ROLES).await?,
            };
            ("reminder", today.to_string(), to)
        };
        for user in recipients {
            let Some(notification) =
                notifications::notify(store, unit, user, item, kind, &for_date).await?
            else {
                continue;
            };
            created += 1;
            let person = dieuhanh_store::users::by_id(store, user).await?;
            if let Some(address) = person.email.as_deref().filter(|_| !person.disabled) {
                let w = dieuhanh_store::direction::item(store, item).await?;
                let path = format!("/{}/{}", crate::pages::item_path(&w.kind), w.id);
                let notice = crate::mail::Notice {
                    kind,
                    title: &w.title,
                    unit_name: &w.unit_name,
                    due_date: &w.due_date,
                    path: &path,
                };
                crate::mail::queue(store, mailer, unit, user, address, notification, &notice)
                    .await?;
            }
        }
    }
    Ok(created)
}

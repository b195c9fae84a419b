//! Embedded migrations, one folder per dialect with the same version numbers.

use crate::Dialect;
use sqlx::migrate::{Migration, MigrationType, Migrator};

struct Step {
    version: i64,
    description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        version: 1,
        description: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Step {
        version: 2,
        description: "calendar",
        sqlite: include_str!("../migrations/sqlite/0002_calendar.sql"),
        postgres: include_str!("../migrations/postgres/0002_calendar.sql"),
    },
    Step {
        version: 3,
        description: "direction",
        sqlite: include_str!("../migrations/sqlite/0003_direction.sql"),
        postgres: include_str!("../migrations/postgres/0003_direction.sql"),
    },
    Step {
        version: 4,
        description: "visits",
        sqlite: include_str!("../migrations/sqlite/0004_visits.sql"),
        postgres: include_str!("../migrations/postgres/0004_visits.sql"),
    },
    Step {
        version: 5,
        description: "obstacles",
        sqlite: include_str!("../migrations/sqlite/0005_obstacles.sql"),
        postgres: include_str!("../migrations/postgres/0005_obstacles.sql"),
    },
    Step {
        version: 6,
        description: "notifications",
        sqlite: include_str!("../migrations/sqlite/0006_notifications.sql"),
        postgres: include_str!("../migrations/postgres/0006_notifications.sql"),
    },
    Step {
        version: 7,
        description: "reports",
        sqlite: include_str!("../migrations/sqlite/0007_reports.sql"),
        postgres: include_str!("../migrations/postgres/0007_reports.sql"),
    },
    Step {
        version: 8,
        description: "outbox",
        sqlite: include_str!("../migrations/sqlite/0008_outbox.sql"),
        postgres: include_str!("../migrations/postgres/0008_outbox.sql"),
    },
    Step {
        version: 9,
        description: "attachments",
        sqlite: include_str!("../migrations/sqlite/0009_attachments.sql"),
        postgres: include_str!("../migrations/postgres/0009_attachments.sql"),
    },
    Step {
        version: 10,
        description: "citizen_reports",
        sqlite: include_str!("../migrations/sqlite/0010_citizen_reports.sql"),
        postgres: include_str!("../migrations/postgres/0010_citizen_reports.sql"),
    },
    Step {
        version: 11,
        description: "ballots",
        sqlite: include_str!("../migrations/sqlite/0011_ballots.sql"),
        postgres: include_str!("../migrations/postgres/0011_ballots.sql"),
    },
    Step {
        version: 12,
        description: "staffing",
        sqlite: include_str!("../migrations/sqlite/0012_staffing.sql"),
        postgres: include_str!("../migrations/postgres/0012_staffing.sql"),
    },
    Step {
        version: 13,
        description: "dossiers",
        sqlite: include_str!("../migrations/sqlite/0013_dossiers.sql"),
        postgres: include_str!("../migrations/postgres/0013_dossiers.sql"),
    },
    Step {
        version: 14,
        description: "dossier tallies",
        sqlite: include_str!("../migrations/sqlite/0014_dossier_tallies.sql"),
        postgres: include_str!("../migrations/postgres/0014_dossier_tallies.sql"),
    },
    Step {
        version: 15,
        description: "statistics indexes",
        sqlite: include_str!("../migrations/sqlite/0015_statistics_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0015_statistics_indexes.sql"),
    },
    Step {
        version: 16,
        description: "dossier full online",
        sqlite: include_str!("../migrations/sqlite/0016_dossier_full_online.sql"),
        postgres: include_str!("../migrations/postgres/0016_dossier_full_online.sql"),
    },
    Step {
        version: 17,
        description: "citizen report tallies",
        sqlite: include_str!("../migrations/sqlite/0017_citizen_report_tallies.sql"),
        postgres: include_str!("../migrations/postgres/0017_citizen_report_tallies.sql"),
    },
    Step {
        version: 18,
        description: "work item instants",
        sqlite: include_str!("../migrations/sqlite/0018_work_item_instants.sql"),
        postgres: include_str!("../migrations/postgres/0018_work_item_instants.sql"),
    },
    Step {
        version: 19,
        description: "audit head trigger",
        sqlite: include_str!("../migrations/sqlite/0019_audit_head_trigger.sql"),
        postgres: include_str!("../migrations/postgres/0019_audit_head_trigger.sql"),
    },
    Step {
        version: 20,
        description: "event steps index",
        sqlite: include_str!("../migrations/sqlite/0020_event_steps_index.sql"),
        postgres: include_str!("../migrations/postgres/0020_event_steps_index.sql"),
    },
];

pub(crate) fn migrator(dialect: Dialect) -> Migrator {
    Migrator::with_migrations(
        STEPS
            .iter()
            .map(|s| {
                let sql = match dialect {
                    Dialect::Sqlite => s.sqlite,
                    Dialect::Postgres => s.postgres,
                };
                Migration::new(
                    s.version,
                    s.description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

use sqlx::SqlSafeStr as _;

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines that declare tables, columns and indexes, by their first word, and the
    /// names of the triggers (whose bodies are written in each dialect's own language).
    fn shape(sql: &str) -> (Vec<String>, Vec<String>) {
        let (mut lines, mut triggers) = (Vec::new(), Vec::new());
        let mut body_ends: Option<fn(&str) -> bool> = None;
        for line in sql.lines().map(str::trim) {
            if line.starts_with("--") || line.is_empty() {
                continue;
            }
            if let Some(ends) = body_ends {
                if ends(line) {
                    body_ends = None;
                }
                continue;
            }
            if let Some(rest) = line.strip_prefix("CREATE TRIGGER ") {
                triggers.push(rest.split_whitespace().next().unwrap_or("").to_string());
                // SQLite: BEGIN … END; PostgreSQL: … EXECUTE FUNCTION f();
                body_ends = Some(|l| l == "END;" || l.ends_with("();"));
                continue;
            }
            if line.starts_with("CREATE FUNCTION ") {
                body_ends = Some(|l| l == "$$;");
                continue;
            }
            lines.push(line.split_whitespace().next().unwrap_or("").to_string());
        }
        (lines, triggers)
    }

    /// The two dialects must declare the same tables, columns, indexes and triggers.
    #[test]
    fn dialects_declare_the_same_schema() {
        for step in STEPS {
            assert_eq!(
                shape(step.sqlite),
                shape(step.postgres),
                "migration {}",
                step.version
            );
        }
    }

    #[test]
    fn a_trigger_is_part_of_the_shape() {
        let (_, triggers) = shape(STEPS[18].sqlite);
        assert_eq!(triggers, vec!["audit_log_moves_head".to_string()]);
        assert_ne!(
            shape("CREATE TRIGGER a AFTER INSERT ON t\nBEGIN\n    UPDATE x;\nEND;").1,
            shape("").1
        );
    }

    /// Every migration file is embedded: a file left out of `STEPS` would never run.
    #[test]
    fn every_migration_file_is_a_step() {
        let listed: Vec<i64> = STEPS.iter().map(|s| s.version).collect();
        for dialect in ["sqlite", "postgres"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dialect);
            let mut found: Vec<i64> = std::fs::read_dir(&dir)
                .expect("migrations directory")
                .filter_map(|e| {
                    let name = e.ok()?.file_name().into_string().ok()?;
                    name.strip_suffix(".sql")?.split('_').next()?.parse().ok()
                })
                .collect();
            found.sort_unstable();
            assert_eq!(found, listed, "{dialect}");
        }
    }
}

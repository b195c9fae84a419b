-- Working-day calendar (PostgreSQL). Kept in step with ../sqlite/0002_calendar.sql.
-- National public-sector data, not unit data: changes are audited on the province root.

CREATE TABLE calendar_years (
    year BIGINT PRIMARY KEY NOT NULL,
    complete SMALLINT NOT NULL,
    pending_from TEXT,
    source TEXT NOT NULL,
    updated_at_us BIGINT NOT NULL
);

CREATE TABLE calendar_days (
    date TEXT PRIMARY KEY NOT NULL,
    year BIGINT NOT NULL REFERENCES calendar_years(year),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days(year);

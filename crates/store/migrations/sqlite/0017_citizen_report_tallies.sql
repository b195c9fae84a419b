-- Citizen report tallies (sqlite). Kept in step with ../postgres/0017_citizen_report_tallies.sql.
-- What each closed citizen report adds to its unit's PAKN figures (core::citizen_tally),
-- kept in the transaction of every transition of the report, so a period's figures read
-- a few hundred rows. Open reports are counted live. Keyed by unit first, for sharding.

CREATE TABLE citizen_report_tallies (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    requested_month TEXT NOT NULL,
    on_time SMALLINT NOT NULL,
    reopened SMALLINT NOT NULL,
    reports BIGINT NOT NULL,
    PRIMARY KEY (unit_id, requested_month, on_time, reopened)
);

CREATE INDEX citizen_report_tallies_requested ON citizen_report_tallies (requested_month);

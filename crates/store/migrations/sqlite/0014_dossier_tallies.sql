-- Dossier tallies (sqlite). Kept in step with ../postgres/0014_dossier_tallies.sql.
-- What each received dossier adds to its unit's statistics (core::dossier_tally), kept
-- in the transaction of every change to the dossier, so a period's statistics read a
-- few hundred rows. Keyed by unit first, like every table, for sharding by unit.

CREATE TABLE dossier_tallies (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    received_month TEXT NOT NULL,
    ended_month TEXT NOT NULL,
    overdue_month TEXT NOT NULL,
    standing TEXT NOT NULL,
    dossiers BIGINT NOT NULL,
    full_online_eligible BIGINT NOT NULL,
    full_online_filed BIGINT NOT NULL,
    fee_bearing BIGINT NOT NULL,
    paid_online BIGINT NOT NULL,
    rated_unsatisfied BIGINT NOT NULL,
    PRIMARY KEY (unit_id, received_month, ended_month, overdue_month, standing)
);

CREATE INDEX dossier_tallies_received ON dossier_tallies (received_month);
CREATE INDEX dossier_tallies_ended ON dossier_tallies (ended_month, received_month);

CREATE TABLE dossier_procedure_tallies (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    received_month TEXT NOT NULL,
    ended_month TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    dossiers BIGINT NOT NULL,
    paid_online BIGINT NOT NULL,
    PRIMARY KEY (unit_id, received_month, ended_month, procedure_code)
);

CREATE INDEX dossier_procedure_tallies_received ON dossier_procedure_tallies (received_month);
CREATE INDEX dossier_procedure_tallies_ended ON dossier_procedure_tallies (ended_month, received_month);

-- While a dossier is open: the instant after which it is overdue in the 766 view.
ALTER TABLE dossiers ADD COLUMN open_overdue_from_us BIGINT;
CREATE INDEX dossiers_open_overdue ON dossiers (open_overdue_from_us) WHERE open_overdue_from_us IS NOT NULL;

-- Open work by kind, unit and person (the cockpit's and workload's counts) without
-- reading the closed history.
CREATE INDEX work_items_open ON work_items (kind, unit_id, assignee_id, due_date) WHERE closed_on IS NULL;
-- Work finished recently, by kind (the cockpit's on-time rate over a window).
CREATE INDEX work_items_closed ON work_items (kind, closed_on, unit_id, due_date, state) WHERE closed_on IS NOT NULL;
